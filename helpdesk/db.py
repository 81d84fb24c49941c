"""Engine and session factories.

Nothing connects at import time: a `Database` builds its engine on first use, so the
action server and the web app start even while the database is down, and answer with
an apology instead of crashing at boot.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_TIMEOUT_SECONDS = 5.0


class Database:
    """One database (SQLite by default, PostgreSQL via `DATABASE_URL`).

    Every wait is bounded by `timeout_seconds`: for a connection, for a lock held
    by another writer, and (times six) for one statement. A database that is
    locked or down then costs the caller seconds and an apology, never a stall."""

    def __init__(self, url: str, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self.url = url
        self.timeout_seconds = timeout_seconds
        self._engine: Optional[Engine] = None
        self._sessions: Optional[sessionmaker] = None

    def _session_factory(self) -> sessionmaker:
        if self._sessions is None:
            self._engine = _create_engine(self.url, self.timeout_seconds)
            self._sessions = sessionmaker(bind=self._engine, expire_on_commit=False)
        return self._sessions

    @property
    def engine(self) -> Engine:
        self._session_factory()
        assert self._engine is not None
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits when the block succeeds, rolls back otherwise."""
        session: Session = self._session_factory()()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def create_schema(self) -> None:
        """Brings the database to the newest schema (idempotent): Alembic's
        migrations (helpdesk/migrations/), after stamping a database made before
        them, then the data fix-ups. Safe to call from several processes at once:
        one migrates, the others wait for it. New columns are always nullable or
        defaulted, so adding them never touches existing rows. A new table of
        canned replies gets the knowledge base's (helpdesk/canned_replies.py)."""
        from helpdesk.migrations.upgrade import upgrade_schema

        upgrade_schema(self)

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self._sessions = None


def _create_engine(url: str, timeout: float) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        milliseconds = int(timeout * 1000)
        connect_args = {}
        if parsed.get_backend_name() == "postgresql":
            given = parsed.query.get("options") or ""  # e.g. a search_path of the URL's
            given = " ".join(given) if isinstance(given, tuple) else given
            connect_args = {
                "connect_timeout": max(1, round(timeout)),
                "options": f"{given} -c lock_timeout={milliseconds} "
                f"-c statement_timeout={milliseconds * 6}".strip(),
            }
        return create_engine(
            url, pool_pre_ping=True, pool_timeout=timeout, future=True, connect_args=connect_args
        )
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # Several processes (action server, web app, importer) share one SQLite file:
    # wait a bounded time for a lock instead of failing at once, and let readers run
    # beside a writer. Connections are not pooled (SQLAlchemy 1.4's NullPool for
    # SQLite files): an idle pooled connection keeps its share of the WAL index, and
    # then no other process can ever take the file exclusively (an admin's
    # maintenance, or tests/system/test_faults.py making the database unreachable).
    engine = create_engine(
        url, future=True, connect_args={"timeout": timeout, "check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return engine
