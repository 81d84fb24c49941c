"""What a console's event stream (webapp/routers/handoffs.py `_stream`) sends beside
the chats' events: each feed is asked on every turn of the stream's loop and reads
the database at most every `every_seconds`, in a worker thread, so a slow database
never holds up the event loop; while the database is away a feed says nothing (the
stream's own query reports that)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import List

from starlette.concurrency import run_in_threadpool

from helpdesk.records import RecordsUnavailable


class StreamFeed(ABC):
    every_seconds: float = 1.0

    checked_at = float("-inf")

    async def messages(self, loop_time: float) -> List[str]:
        """The server-sent messages due now (none until `every_seconds` passed)."""
        if loop_time - self.checked_at < self.every_seconds:
            return []
        self.checked_at = loop_time
        try:
            return await run_in_threadpool(self.read)
        except RecordsUnavailable:
            return []

    @abstractmethod
    def read(self) -> List[str]:
        """The new server-sent messages, read from the database (blocking)."""
