"""Rasa's SQL tracker store, tuned for the embedded SQLite default.

Rasa opens SQLite with its defaults: a rollback journal and a full fsync on every
commit, i.e. on every message. Write-ahead logging with `synchronous=NORMAL` keeps
the database consistent after a crash (at most the last messages before a power
loss are lost, never the file) and lets readers work while a message is written.
On PostgreSQL (scale-out) this class behaves exactly like Rasa's.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm  # noqa: F401  (sa.orm below)
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import event
from sqlalchemy.pool import QueuePool


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class KefuSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite" and self.engine.url.database:
            # Rasa's engine opens a new connection (and so runs the pragmas again)
            # for every read and write of a tracker (SQLAlchemy 1.4's NullPool for
            # SQLite files): a tenth of the process's time under load. A pooled
            # engine on the same file keeps its connections. Only the Rasa server
            # opens this file, so no other process needs it exclusively (the
            # helpdesk database, which several share, stays unpooled: helpdesk/db.py).
            self.engine.dispose()
            self.engine = sa.create_engine(
                self.engine.url,
                poolclass=QueuePool,
                connect_args={"check_same_thread": False, "timeout": 30},
            )
            event.listen(self.engine, "connect", _sqlite_pragmas)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
