"""Brings a helpdesk database to the newest schema: what `Database.create_schema()`
does, and so what every Kefu server and command does when it opens the database.

Under one migration lock (helpdesk/migrations/lock.py), so processes starting
together migrate once:

1. A database from before Alembic gets the legacy top-up (even older databases
   reach the baseline) and is stamped with revision 0001.
2. Alembic upgrades it to head, on one connection in one transaction (SQLite's
   DDL is transactional too when the transaction is begun explicitly), so a
   failed migration leaves the previous schema.
3. The data fix-ups run as before, each idempotent: handoffs older than
   `transcript_text` get it, a canned-replies table that did not exist before
   this call is seeded from the knowledge base, and the search index is built.

The search index stays a step after the migrations rather than becoming one:
it is not part of the models (FTS5 virtual tables with triggers on SQLite,
trigram indexes on PostgreSQL that need an extension the database may refuse,
in which case search scans), helpdesk/search.py owns and checks it on every
start, and it must be rebuilt from the rows whenever it is missing, which a
revision that runs once would not do.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, update
from sqlalchemy.engine import Connection, Engine

from helpdesk.migrations.legacy import BASELINE, baseline_metadata, is_from_before_alembic, top_up
from helpdesk.migrations.lock import migration_lock

if TYPE_CHECKING:
    from helpdesk.db import Database

MIGRATIONS_DIR = Path(__file__).resolve().parent


def alembic_config(connection: Connection) -> Config:
    """Alembic's settings for running on `connection` (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade_schema(db: Database) -> None:
    """Migrates `db` to head and runs the data fix-ups (idempotent)."""
    import helpdesk.email.models  # noqa: F401  (the email tables share Base)

    engine = db.engine
    with migration_lock(engine):
        canned_is_new = not inspect(engine).has_table("canned_replies")
        with migrating(engine) as connection:
            config = alembic_config(connection)
            baseline = baseline_metadata(ScriptDirectory.from_config(config))
            if is_from_before_alembic(connection, baseline):
                top_up(connection, baseline)
                command.stamp(config, BASELINE)
            command.upgrade(config, "head")
        _fill_transcript_texts(engine)
        if canned_is_new:
            from helpdesk.canned_replies import seed_canned_replies

            seed_canned_replies(db)
        from helpdesk.search import install_search_index  # search builds on the schema

        install_search_index(engine)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: not under Alembic yet)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    scripts = ScriptDirectory(str(MIGRATIONS_DIR))
    head = scripts.get_current_head()
    assert head is not None
    return head


@contextlib.contextmanager
def migrating(engine: Engine) -> Iterator[Connection]:
    """One connection in one transaction for the whole migration.

    SQLite: foreign keys are off while it runs (batch mode copies tables, and
    dropping the old copy of a referenced table must not touch the rows that
    point at it), and the transaction is begun explicitly with BEGIN IMMEDIATE,
    since Python's sqlite3 begins none before DDL. PostgreSQL: no statement
    time bound, since a migration of a big table may rightly take longer."""
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
        try:
            yield connection
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def _fill_transcript_texts(engine: Engine) -> None:
    """Handoffs from before `transcript_text` existed get it, so search finds them."""
    from helpdesk.conversation_records import transcript_text
    from helpdesk.models import Handoff

    with engine.begin() as connection:
        rows = connection.execute(
            select(Handoff.id, Handoff.transcript).where(Handoff.transcript_text.is_(None))
        ).all()
        for handoff_id, transcript in rows:
            connection.execute(
                update(Handoff)
                .where(Handoff.id == handoff_id)
                .values(transcript_text=transcript_text(transcript))
            )
