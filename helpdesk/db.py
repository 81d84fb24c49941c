"""Engine and session factories.

Nothing connects at import time: a `Database` builds its engine on first use, so the
action server and the web app start even while the database is down, and answer with
an apology instead of crashing at boot.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from sqlalchemy import create_engine, event, inspect, select, text, update
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from helpdesk.models import Base

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
        """Creates the tables that do not exist yet and adds columns that a newer
        Kefu introduced to existing tables (idempotent). New columns are always
        nullable or defaulted, so adding them never touches existing rows. A new
        table of canned replies gets the knowledge base's (helpdesk/canned_replies.py)."""
        import helpdesk.email.models  # noqa: F401  (the email tables share Base)

        canned_is_new = not inspect(self.engine).has_table("canned_replies")
        Base.metadata.create_all(self.engine)
        _add_missing_columns(self.engine)
        _fill_transcript_texts(self.engine)
        if canned_is_new:
            from helpdesk.canned_replies import seed_canned_replies

            seed_canned_replies(self)
        from helpdesk.search import install_search_index  # search builds on the schema

        install_search_index(self.engine)

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self._sessions = None


def _add_missing_columns(engine: Engine) -> None:
    existing = inspect(engine)
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            present = {column["name"] for column in existing.get_columns(table.name)}
            for column in table.columns:
                if column.name in present:
                    continue
                kind = column.type.compile(dialect=engine.dialect)
                connection.execute(
                    text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}')
                )
            for index in table.indexes:  # an index declared for a new column
                with warnings.catch_warnings():  # the search's expression indexes
                    warnings.filterwarnings("ignore", "Skipped unsupported reflection")
                    index.create(connection, checkfirst=True)


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
