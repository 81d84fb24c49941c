"""One migrator at a time: several processes of each server start together and
each calls `Database.create_schema()`; the first migrates, the others wait and
then find nothing left to do.

- PostgreSQL: a session advisory lock, keyed by the schema (tests and tenants
  that share one database in different schemas do not wait for each other),
  held on a connection of its own while the migration runs on others.
- SQLite: an exclusive `flock` on a file beside the database. SQLite's own write
  lock cannot serve: the fix-ups after the migration (the search index, the
  canned replies) write through connections of their own, which would wait for
  the lock their own process holds.
"""

from __future__ import annotations

import contextlib
import fcntl
from pathlib import Path
from typing import Iterator

from sqlalchemy import text
from sqlalchemy.engine import Engine

# How long a process waits for another one's migration before giving up.
WAIT_SECONDS = 600
_PG_KEY = "kefu.helpdesk.migrations:"


@contextlib.contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Holds the database's migration lock for the block."""
    if engine.dialect.name == "postgresql":
        with _postgres_lock(engine):
            yield
    elif engine.dialect.name == "sqlite":
        with _sqlite_lock(engine.url.database):
            yield
    else:  # pragma: no cover - Kefu runs on SQLite and PostgreSQL
        yield


@contextlib.contextmanager
def _postgres_lock(engine: Engine) -> Iterator[None]:
    key = text("SELECT hashtext(:prefix || current_schema())")
    with engine.connect() as connection:
        # The connection's usual bounds (helpdesk/db.py) are for requests; waiting
        # for another process's migration may rightly take longer.
        connection.exec_driver_sql("SET statement_timeout = 0")
        connection.exec_driver_sql(f"SET lock_timeout = '{WAIT_SECONDS}s'")
        lock_id = connection.execute(key, {"prefix": _PG_KEY}).scalar_one()
        connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": lock_id})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": lock_id})
            connection.exec_driver_sql("RESET statement_timeout")
            connection.exec_driver_sql("RESET lock_timeout")
            connection.commit()


@contextlib.contextmanager
def _sqlite_lock(database: str | None) -> Iterator[None]:
    if not database or database == ":memory:" or database.startswith("file:"):
        yield  # one connection's own database: nobody else can migrate it
        return
    path = Path(database).with_name(Path(database).name + ".migrate-lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # blocks until the other migrator is done
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
