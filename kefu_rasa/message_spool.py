"""Customer messages for an agent, kept on local disk while Kefu's database is down.

While a person has the chat, each customer message becomes a handoff event in
Kefu's database, which the agent's console shows. When that database cannot be
reached the message is still logged in the conversation, but the agent would never
see it; so it waits here, in a small SQLite file of the Rasa server's own, and is
written to the database, in order and with its original time, once it is back.

A message leaves the spool only once the database has it. Delivering it first
claims it for a while (`claim_seconds`), so that several Rasa processes sharing
one spool file never deliver it at once; a process killed while delivering leaves
its claim to expire, and the message is delivered by the next one to try (the same
process restarted, or another). Delivery goes strictly oldest first: behind a
message another process holds, the rest wait, so an agent reads a conversation's
messages in the order they were written.

A message keeps the widget's id. The widget sends a message again when the process
that had it died before acknowledging it, and the process it reaches may spool it
once more (here or in a spool of its own): the spool keeps one copy per id, and
the database keeps one per id when they are delivered, which also covers a process
killed after the database took a message but before the spool let it go. What a
process spooled before it stopped is delivered when it starts again (`recall`).
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional, Set, Tuple

# Longer than one delivery can take: the database's timeout is 5 s by default.
CLAIM_SECONDS = 30.0
_COLUMNS_ADDED_LATER = {"message_id": "TEXT", "claimed_until": "REAL", "claim": "TEXT"}


@dataclass(frozen=True)
class SpooledMessage:
    conversation_id: str
    text: str
    at: datetime
    message_id: Optional[str] = None  # the widget's, when the channel has one


class MessageSpool:
    def __init__(self, path: Path, claim_seconds: float = CLAIM_SECONDS) -> None:
        self.path = Path(path)
        self.claim_seconds = claim_seconds
        self._lock = threading.Lock()
        self._known_empty = False
        self._waiting: Set[str] = set()  # conversations with messages in this spool
        self._columns_checked = False

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        connection.execute(
            "CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "conversation_id TEXT NOT NULL, text TEXT NOT NULL, at TEXT NOT NULL, "
            "message_id TEXT, claimed_until REAL, claim TEXT)"
        )
        if not self._columns_checked:
            # A spool file written by an earlier Kefu gets the columns added since.
            columns = {row[1] for row in connection.execute("PRAGMA table_info(messages)")}
            for name, kind in _COLUMNS_ADDED_LATER.items():
                if name not in columns:
                    connection.execute(f"ALTER TABLE messages ADD COLUMN {name} {kind}")
            self._columns_checked = True
        return connection

    def put(self, message: SpooledMessage) -> bool:
        """Keeps the message; False when the spool already holds it (same id, same
        conversation): the widget sent it again."""
        with self._lock, closing(self._connect()) as connection:
            connection.execute("BEGIN IMMEDIATE")
            held = message.message_id is not None and bool(
                connection.execute(
                    "SELECT 1 FROM messages WHERE conversation_id = ? AND message_id = ?",
                    (message.conversation_id, message.message_id),
                ).fetchone()
            )
            if not held:
                connection.execute(
                    "INSERT INTO messages (conversation_id, text, at, message_id) "
                    "VALUES (?, ?, ?, ?)",
                    (
                        message.conversation_id,
                        message.text,
                        message.at.isoformat(),
                        message.message_id,
                    ),
                )
            connection.execute("COMMIT")
            self._known_empty = False
            self._waiting.add(message.conversation_id)
            return not held

    def recall(self) -> bool:
        """Learns which conversations have messages waiting in the file (a process
        that stopped with messages spooled, this one or another sharing the file),
        so their next messages queue behind them. Whether any wait."""
        if not self.path.exists():
            return False
        with self._lock, closing(self._connect()) as connection:
            rows = connection.execute("SELECT DISTINCT conversation_id FROM messages").fetchall()
            self._waiting.update(row[0] for row in rows)
            self._known_empty = not rows
        return bool(rows)

    def is_waiting(self, conversation_id: str) -> bool:
        """Whether messages of this conversation wait here (checked in memory: it is
        asked for every message)."""
        return conversation_id in self._waiting

    def __len__(self) -> int:
        if not self.path.exists():
            return 0
        with self._lock, closing(self._connect()) as connection:
            return int(connection.execute("SELECT COUNT(*) FROM messages").fetchone()[0])

    def is_drained(self) -> bool:
        """Whether the last delivery found the spool empty (and nothing was put
        since): otherwise messages still wait, for the database or for another
        process that is delivering them."""
        return self._known_empty

    def deliver(self, write: Callable[[SpooledMessage], None]) -> int:
        """Hands the waiting messages, oldest first, to `write`, each removed once
        `write` returns; stops at the first one `write` fails on (raising), which
        stays first in line, and at one another process is delivering. Returns how
        many were delivered."""
        if not self.path.exists():
            self._known_empty = True
        if self._known_empty:
            return 0
        delivered = 0
        while True:
            claimed = self._claim_oldest()
            if claimed is None:
                return delivered
            row_id, claim, message = claimed
            try:
                write(message)
            except BaseException:
                self._settle(row_id, claim, delivered=False)
                raise
            self._settle(row_id, claim, delivered=True)
            delivered += 1

    def _claim_oldest(self) -> Optional[Tuple[int, str, SpooledMessage]]:
        """Claims the oldest message, unless another process's claim on it still
        runs; None then, and when the spool is empty."""
        with self._lock, closing(self._connect()) as connection:
            connection.execute("BEGIN IMMEDIATE")
            row = connection.execute(
                "SELECT id, conversation_id, text, at, message_id, claimed_until "
                "FROM messages ORDER BY id LIMIT 1"
            ).fetchone()
            now = time.time()
            if row is None:  # under the lock: a message put meanwhile is not forgotten
                self._known_empty = True
                self._waiting.clear()
            elif row[5] is not None and row[5] > now:
                row = None  # another process is delivering it
            else:
                claim = uuid.uuid4().hex
                connection.execute(
                    "UPDATE messages SET claimed_until = ?, claim = ? WHERE id = ?",
                    (now + self.claim_seconds, claim, row[0]),
                )
            connection.execute("COMMIT")
        if row is None:
            return None
        return row[0], claim, SpooledMessage(row[1], row[2], _parse_time(row[3]), row[4])

    def _settle(self, row_id: int, claim: str, delivered: bool) -> None:
        """Removes a delivered message, or gives back the claim on one that was not;
        only while the claim is still this one's."""
        with self._lock, closing(self._connect()) as connection:
            if delivered:
                connection.execute("DELETE FROM messages WHERE id = ? AND claim = ?", (row_id, claim))
            else:
                connection.execute(
                    "UPDATE messages SET claimed_until = NULL, claim = NULL "
                    "WHERE id = ? AND claim = ?",
                    (row_id, claim),
                )


def _parse_time(raw: str) -> datetime:
    moment = datetime.fromisoformat(raw)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
