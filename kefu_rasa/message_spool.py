"""Customer messages for an agent, kept on local disk while Kefu's database is down.

While a person has the chat, each customer message becomes a handoff event in
Kefu's database, which the agent's console shows. When that database cannot be
reached the message is still logged in the conversation, but the agent would never
see it; so it waits here, in a small SQLite file of the Rasa server's own, and is
written to the database, in order and with its original time, once it is back.

Several Rasa processes may share one spool file: a batch is taken out in one
transaction before it is delivered, and put back if delivery fails, so no message
is delivered twice and none is dropped.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, List


@dataclass(frozen=True)
class SpooledMessage:
    conversation_id: str
    text: str
    at: datetime


class MessageSpool:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._known_empty = False
        self._waiting: set = set()  # conversations with messages in this process's spool

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        connection.execute(
            "CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "conversation_id TEXT NOT NULL, text TEXT NOT NULL, at TEXT NOT NULL)"
        )
        return connection

    def put(self, message: SpooledMessage) -> None:
        with self._lock, closing(self._connect()) as connection:
            connection.execute(
                "INSERT INTO messages (conversation_id, text, at) VALUES (?, ?, ?)",
                (message.conversation_id, message.text, message.at.isoformat()),
            )
            self._known_empty = False
            self._waiting.add(message.conversation_id)

    def is_waiting(self, conversation_id: str) -> bool:
        """Whether messages of this conversation wait here (checked in memory: it is
        asked for every message)."""
        return conversation_id in self._waiting

    def __len__(self) -> int:
        if not self.path.exists():
            return 0
        with self._lock, closing(self._connect()) as connection:
            return int(connection.execute("SELECT COUNT(*) FROM messages").fetchone()[0])

    def deliver(self, write: Callable[[SpooledMessage], None], batch: int = 100) -> int:
        """Hands the waiting messages, oldest first, to `write`; stops at the first
        one `write` fails on (raising), which stays first in line. Returns how many
        were delivered."""
        if self._known_empty or not self.path.exists():
            return 0
        delivered = 0
        while True:
            taken = self._take(batch)
            if not taken:
                return delivered
            for index, (_, message) in enumerate(taken):
                try:
                    write(message)
                except BaseException:
                    self._put_back(taken[index:])
                    raise
                delivered += 1

    def _take(self, batch: int) -> List[tuple]:
        with self._lock, closing(self._connect()) as connection:
            connection.execute("BEGIN IMMEDIATE")
            rows = connection.execute(
                "SELECT id, conversation_id, text, at FROM messages ORDER BY id LIMIT ?", (batch,)
            ).fetchall()
            if rows:
                connection.execute(
                    f"DELETE FROM messages WHERE id IN ({','.join('?' * len(rows))})",
                    [row[0] for row in rows],
                )
            else:  # under the lock: a message put meanwhile is not forgotten
                self._known_empty = True
                self._waiting.clear()
            connection.execute("COMMIT")
        return [(row[0], SpooledMessage(row[1], row[2], _parse_time(row[3]))) for row in rows]

    def _put_back(self, rows: List[tuple]) -> None:
        with self._lock, closing(self._connect()) as connection:
            connection.executemany(
                "INSERT INTO messages (id, conversation_id, text, at) VALUES (?, ?, ?, ?)",
                [(i, m.conversation_id, m.text, m.at.isoformat()) for i, m in rows],
            )
            self._known_empty = False


def _parse_time(raw: str) -> datetime:
    moment = datetime.fromisoformat(raw)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
