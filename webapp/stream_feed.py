"""What a console's event stream (webapp/routers/handoffs.py `_stream`) sends beside
the chats' events. The stream asks each feed on every turn of its loop (when the
process's shared reader handed it events, or every 250 ms at the latest); a feed
reads the database at most every `every_seconds`, in a worker thread, so a slow
database never holds up the event loop; while the database is away a feed says
nothing (the stream's own reads report that).

`SharedRead` is one such read for all the streams of a process, when what it reads
is the same for every console (customers typing): one query per period however
many consoles are open."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from typing import Callable, Generic, List, Optional, TypeVar

from starlette.concurrency import run_in_threadpool

from helpdesk.records import RecordsUnavailable

Value = TypeVar("Value")


class StreamFeed(ABC):
    every_seconds: float = 1.0

    checked_at = float("-inf")

    async def messages(self, loop_time: float) -> List[str]:
        """The server-sent messages due now (none until `every_seconds` passed)."""
        if loop_time - self.checked_at < self.every_seconds:
            return []
        self.checked_at = loop_time
        try:
            return await self.fetch(loop_time)
        except RecordsUnavailable:
            return []

    @abstractmethod
    async def fetch(self, loop_time: float) -> List[str]:
        """The new server-sent messages (database reads in a worker thread)."""


class SharedRead(Generic[Value]):
    """`read` (blocking) at most once per `every_seconds` of the loop's clock for
    every caller; callers that come while it runs wait for that same read. Raises
    what `read` raised (`RecordsUnavailable`) to those who waited for it."""

    def __init__(self, read: Callable[[], Value], every_seconds: float) -> None:
        self.read = read
        self.every_seconds = every_seconds
        self.reads = 0
        self._read_at = float("-inf")
        self._value: Optional[Value] = None
        self._running: Optional[asyncio.Future] = None

    async def value(self, loop_time: float) -> Value:
        running = self._running
        if running is not None and not running.done():
            return await asyncio.shield(running)
        fresh = 0 <= loop_time - self._read_at < self.every_seconds
        if not fresh or self._value is None:
            self._read_at = loop_time
            running = self._running = asyncio.ensure_future(run_in_threadpool(self.read))
            self.reads += 1
            try:
                self._value = await asyncio.shield(running)
            except BaseException:
                self._read_at = float("-inf")  # the next caller tries again
                raise
        assert self._value is not None
        return self._value
