"""Databases made before Alembic (Kefu up to 2026-12-01): no `alembic_version`
table, and the schema `create_all` plus the column top-up made at the time.

`top_up` brings any such database to the baseline (revision 0001) the way Kefu
always upgraded: tables that do not exist are created, columns a later release
added are added (always nullable, so existing rows are untouched), and indexes
declared for them are built. Then the database is stamped with 0001 and
upgraded like any other. Everything here reads the baseline's own tables, not
today's models, so a model changed later is left to its revision.
"""

from __future__ import annotations

import warnings
from types import ModuleType
from typing import Any, List, Optional

from alembic.script import ScriptDirectory
from sqlalchemy import Index, MetaData, Table, inspect, text
from sqlalchemy.engine import Connection

BASELINE = "0001"


class _RecordingOperations:
    """Stands in for `alembic.op` while the baseline's `upgrade()` runs, and
    collects the tables and indexes it would create into one MetaData."""

    def __init__(self) -> None:
        self.metadata = MetaData()

    def create_table(self, name: str, *columns: Any, **kw: Any) -> Table:
        return Table(name, self.metadata, *columns, **kw)

    def create_index(
        self, name: str, table_name: str, columns: List[str], unique: bool = False, **kw: Any
    ) -> None:
        table = self.metadata.tables[table_name]
        Index(name, *(table.c[column] for column in columns), unique=unique, **kw)

    def f(self, name: str) -> str:
        return name


def baseline_metadata(scripts: ScriptDirectory) -> MetaData:
    """The tables and indexes revision 0001 creates, as a MetaData."""
    revision = scripts.get_revision(BASELINE)
    assert revision is not None and revision.module is not None
    module: ModuleType = revision.module
    recorder = _RecordingOperations()
    real_op: Optional[Any] = module.__dict__.get("op")
    module.op = recorder  # type: ignore[attr-defined]
    try:
        module.upgrade()
    finally:
        module.op = real_op  # type: ignore[attr-defined]
    return recorder.metadata


def is_from_before_alembic(connection: Connection, baseline: MetaData) -> bool:
    """Some of Kefu's tables and no record of migrations."""
    present = set(inspect(connection).get_table_names())
    return "alembic_version" not in present and bool(present & set(baseline.tables))


def top_up(connection: Connection, baseline: MetaData) -> None:
    """Creates the baseline's missing tables, columns and indexes (idempotent)."""
    baseline.create_all(connection)  # only the tables that do not exist
    existing = inspect(connection)
    for table in baseline.sorted_tables:
        present = {column["name"] for column in existing.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            kind = column.type.compile(dialect=connection.dialect)
            connection.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}'))
        for index in table.indexes:  # an index declared for a new column
            with warnings.catch_warnings():  # the search's expression indexes
                warnings.filterwarnings("ignore", "Skipped unsupported reflection")
                index.create(connection, checkfirst=True)
