"""Rasa's SQL tracker store, tuned for the embedded SQLite default.

Rasa opens SQLite with its defaults: a rollback journal and a full fsync on every
commit, i.e. on every message. Write-ahead logging with `synchronous=NORMAL` keeps
the database consistent after a crash (at most the last messages before a power
loss are lost, never the file) and lets readers work while a message is written.
On PostgreSQL (scale-out) this class behaves exactly like Rasa's.
"""

from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import event


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class KefuSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            self.engine.dispose()  # connections opened so far lack the pragmas
