"""One reader of the handoff events per web process, for every console stream it
serves (webapp/routers/handoffs.py `_stream`).

A console's stream used to query the events table every 250 ms on its own: with
hundreds of consoles on several web processes that is thousands of queries a second
that almost always find nothing. Here one task per process reads `events_after(its
cursor)` in a worker thread and hands what it found to every open stream of the
process, each of which waits on its own `FeedSubscription` instead of querying.

When it reads:
- at once (at most once per `debounce_seconds`) when woken: a broker message
  (webapp/live_broker.py: Rasa saved a conversation, another web process committed a
  desk change) or a commit of this process's own (webapp/desk_notices.py);
- every `safety_seconds` while the broker is connected, for a message lost on the
  way (or a writer that tells nobody);
- every `poll_seconds` (today's 250 ms) while there is no broker: the embedded
  default, and a scaled process whose RabbitMQ is away.
With no stream open it reads nothing.

A stream that joins with a cursor older than the reader's (an EventSource that
reconnects with Last-Event-ID, maybe to another process) first reads its own
backlog, then takes the shared events; it passes on each event id once, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Callable, FrozenSet, List, Optional, Set

from starlette.concurrency import run_in_threadpool

from helpdesk.handoffs.events import EventView
from helpdesk.records import RecordsUnavailable

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.25  # without a broker: what each console's stream did on its own
SAFETY_SECONDS = 5.0  # with a broker: in case a message never came
DEBOUNCE_SECONDS = 0.05  # a burst of wakes costs one read per this long
UNAVAILABLE_PAUSE_SECONDS = 2.0  # the database is down: ask again after this long
BATCH = 500  # events_after's own limit: a full batch means there are more
MOST_BUFFERED = 2000  # a stream that stopped reading catches up from the database
TICKET_EVENTS = "ticket_events"  # the table the ticket feeds read

ReadEvents = Callable[[int], List[EventView]]


@dataclass(eq=False)
class FeedSubscription:
    """What one stream has been handed and not yet sent. `cursor` is the last event id
    the stream passed on; `behind` says it must read the database from there itself
    (it joined with an older cursor than the reader's, or fell too far behind)."""

    cursor: int
    most_buffered: int = MOST_BUFFERED
    behind: bool = False
    unavailable: bool = False
    events: List[EventView] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    overflows: int = 0

    def hand(self, events: List[EventView]) -> None:
        """Kept even while `behind`: the stream's own read may have been answered
        before these were committed (passing on dedupes by id)."""
        self.events.extend(events)
        if len(self.events) > self.most_buffered:
            self.events.clear()
            self.behind = True
            self.overflows += 1
        self.arrived.set()

    def tell_unavailable(self) -> None:
        self.unavailable = True
        self.arrived.set()

    async def wait(self, timeout: float) -> None:
        """Until something was handed over, or `timeout` seconds passed."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.arrived.wait(), timeout)

    def take(self) -> List[EventView]:
        """The handed-over events not passed on yet (each id once, in order); moves
        the cursor past them."""
        self.arrived.clear()
        events, self.events = self.events, []
        return self.accept(events)

    def accept(self, events: List[EventView]) -> List[EventView]:
        fresh = []
        for event in events:
            if event.id > self.cursor:
                fresh.append(event)
                self.cursor = event.id
        return fresh


class LiveFeed:
    """The process's one reader of handoff events (see the module's docstring)."""

    def __init__(
        self,
        read_events: ReadEvents,
        poll_seconds: float = POLL_SECONDS,
        safety_seconds: float = SAFETY_SECONDS,
        debounce_seconds: float = DEBOUNCE_SECONDS,
        batch: int = BATCH,
        most_buffered: int = MOST_BUFFERED,
    ) -> None:
        self.read_events = read_events
        self.poll_seconds = poll_seconds
        self.safety_seconds = safety_seconds
        self.debounce_seconds = debounce_seconds
        self.batch = batch  # what `read_events` returns at most
        self.most_buffered = most_buffered
        self.cursor: Optional[int] = None  # None while no stream is open
        self.reads = 0  # database reads so far (GET /api/events/feed tells it)
        # Notices that agents' ticket events may have changed: the ticket feeds of
        # the streams (webapp/ticket_feed.py) read only when this moved, scaled.
        self.ticket_changes = 0
        self.ticket_reads = 0  # their reads, for all streams (GET /api/events/feed)
        self.broker_connected = False  # webapp/live_broker.py keeps this up to date
        self.subscriptions: Set[FeedSubscription] = set()
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._woken: Optional[asyncio.Event] = None
        self._task: Optional[asyncio.Task] = None

    @property
    def mode(self) -> str:
        return "broker" if self.broker_connected else "polling"

    # ----- the streams' side ---------------------------------------------------------

    def subscribe(self, cursor: int) -> FeedSubscription:
        """A stream joins at `cursor` (called on the event loop); starts the reader
        task on this loop if it is not running."""
        self._ensure_running()
        subscription = FeedSubscription(cursor=cursor, most_buffered=self.most_buffered)
        if self.cursor is None:
            self.cursor = cursor  # the first stream: the reader starts where it is
        elif cursor < self.cursor:
            subscription.behind = True  # events up to the reader's cursor: its own read
        self.subscriptions.add(subscription)
        # A wake that came while no stream was open was not read: read once now.
        self.wake()
        return subscription

    def unsubscribe(self, subscription: FeedSubscription) -> None:
        self.subscriptions.discard(subscription)
        if not self.subscriptions:
            self.cursor = None  # the next stream sets it again: nothing to read meanwhile

    async def catch_up(self, subscription: FeedSubscription) -> List[EventView]:
        """A stream that is `behind` reads its backlog itself, in a worker thread, a
        batch at a time (still behind after a full one). Raises `RecordsUnavailable`."""
        overflows = subscription.overflows
        events = await run_in_threadpool(self.read_events, subscription.cursor)
        fresh = subscription.accept(events)
        # Still behind after a full batch, or when what was handed over meanwhile
        # overflowed (then it was dropped, and is past what this read saw).
        subscription.behind = len(events) >= self.batch or subscription.overflows != overflows
        return fresh

    # ----- who wakes it --------------------------------------------------------------

    def wake(self) -> None:
        """Read soon: something may have changed (call on the event loop)."""
        if self._woken is not None:
            self._woken.set()

    def noticed(self, tables: Optional[FrozenSet[str]] = None) -> None:
        """A desk change was committed, writing `tables` (None: not known): read
        soon, and tell the ticket feeds when agents' ticket events may have changed
        (call on the event loop)."""
        if tables is None or TICKET_EVENTS in tables:
            self.ticket_changes += 1
        self.wake()

    def noticed_threadsafe(self, tables: Optional[FrozenSet[str]] = None) -> None:
        """`noticed` from any thread (a commit in a worker thread, the mail
        listener's)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(self.noticed, tables)

    def set_broker_connected(self, connected: bool) -> None:
        self.broker_connected = connected
        self.noticed()  # a broker back after an outage: read what it did not carry

    # ----- the reader ----------------------------------------------------------------

    def start(self) -> None:
        """Starts the reader on the running loop (the app's startup)."""
        self._ensure_running()

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _ensure_running(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new loop (tests run requests in fresh ones)
            self._loop = loop
            self._woken = asyncio.Event()
            self.subscriptions = set()
            self.cursor = None
            self._task = None
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._run())

    async def _run(self) -> None:
        assert self._woken is not None
        woken = self._woken
        while True:
            quiet = self.safety_seconds if self.broker_connected else self.poll_seconds
            quiet = max(0.0, quiet - self.debounce_seconds)  # which was waited already
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(woken.wait(), quiet)
            woken.clear()
            try:
                await self._read_all()
            except RecordsUnavailable:
                for subscription in list(self.subscriptions):
                    subscription.tell_unavailable()
                await asyncio.sleep(UNAVAILABLE_PAUSE_SECONDS)
            except Exception:  # a bug must not end every console's feed
                logger.exception("reading the handoff events for the consoles failed")
                await asyncio.sleep(UNAVAILABLE_PAUSE_SECONDS)
            await asyncio.sleep(self.debounce_seconds)

    async def _read_all(self) -> None:
        while self.subscriptions and self.cursor is not None:
            cursor = self.cursor
            events = await run_in_threadpool(self.read_events, cursor)
            self.reads += 1
            if self.cursor != cursor:
                return  # every stream left (or a new first one came) meanwhile
            if events:
                self.cursor = events[-1].id
                for subscription in list(self.subscriptions):
                    subscription.hand(events)
            if len(events) < self.batch:
                return
