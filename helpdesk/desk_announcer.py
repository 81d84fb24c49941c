"""Tells the web processes that this process committed a change their consoles show
(scaled mode, `KEFU_AMQP_URL` set): a small notice on RabbitMQ's fanout exchange
`kefu-desk`, `{"origin": <process>, "tables": [...]}`, published after the commit
(helpdesk/commit_notices.py hears it).

Every writer publishes: the web processes (an agent's reply, a claim, the
sweeper), the Rasa servers (a customer's message for the agent, their comings and
goings) and the action servers (a new handoff, a ticket). So a web process follows
only what changes the desk, not every event of every conversation: Rasa's own
events (exchange `kefu-conversations`) are for the company's consumers, and
binding to them made each web process pay for each bot turn (docs/scaling.md).

Commits that come while a notice is on its way share the next one. Without a
connection nothing is published: the web processes' live feed reads on its own
meanwhile (webapp/live_feed.py, every few seconds, or polling while they have no
broker either), so a lost notice delays a console, never loses it an event.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import uuid
from typing import FrozenSet, Optional, Set

import aio_pika
from aio_pika.abc import AbstractExchange, AbstractRobustConnection

from helpdesk.commit_notices import CommitNotices

logger = logging.getLogger(__name__)

DESK_EXCHANGE = "kefu-desk"
CONNECT_TIMEOUT_SECONDS = 5.0
RETRY_SECONDS = 5.0
PUBLISH_TIMEOUT_SECONDS = 5.0


def process_origin(role: str) -> str:
    """A name for this process on the broker, unique across machines and restarts."""
    return f"kefu-{role}-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


async def cancel_and_close(
    task: Optional[asyncio.Task],
    connection: Optional[AbstractRobustConnection],
    timeout: float = CONNECT_TIMEOUT_SECONDS,
) -> None:
    """Stops a connecting task and closes its connection, each bounded in time."""
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    if connection is not None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(connection.close(), timeout)


class DeskAnnouncer:
    """Publishes desk notices on `exchange`, set by whoever holds the connection:
    `start` (a process that only publishes) or the web process's live
    broker, which shares its consumer's connection (webapp/live_broker.py)."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.exchange: Optional[AbstractExchange] = None
        self.published = 0
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._pending: Set[str] = set()  # tables of commits not announced yet
        self._announcing = False
        self._connection: Optional[AbstractRobustConnection] = None
        self._task: Optional[asyncio.Task] = None

    # ----- the connection of a process that only publishes ----------------------------

    def start(self, url: str) -> None:
        """Connects in the background (on the running loop), retrying until it can."""
        self.bind_loop()
        self._task = asyncio.get_running_loop().create_task(self._connect_until_up(url))

    async def _connect_until_up(self, url: str) -> None:
        warned = False
        while True:
            try:
                # Kept at once, so that stop() closes it even while it is being set up.
                self._connection = await aio_pika.connect_robust(
                    url,
                    timeout=CONNECT_TIMEOUT_SECONDS,
                    reconnect_interval=RETRY_SECONDS,
                    client_properties={"connection_name": self.origin},
                )
                channel = await self._connection.channel()
                # As every process declares it: fanout, not durable (nothing is kept).
                self.exchange = await channel.declare_exchange(
                    DESK_EXCHANGE, aio_pika.ExchangeType.FANOUT
                )
                if warned:
                    logger.warning("RabbitMQ is back: desk changes are announced again")
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:  # refused, timed out, bad credentials...
                connection, self._connection = self._connection, None
                await cancel_and_close(None, connection)
                if not warned:
                    warned = True
                    logger.warning(
                        "RabbitMQ unreachable (%s): the consoles read desk changes on "
                        "their own until it is back",
                        error,
                    )
                await asyncio.sleep(RETRY_SECONDS)

    async def stop(self) -> None:
        task, self._task = self._task, None
        connection, self._connection = self._connection, None
        self.exchange = None
        await cancel_and_close(task, connection)

    # ----- announcing ------------------------------------------------------------------

    def bind_loop(self) -> None:
        """The loop notices are published from (commits happen in worker threads)."""
        self._loop = asyncio.get_running_loop()

    def announce_threadsafe(self, tables: FrozenSet[str]) -> None:
        """After a commit, from any thread."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(self._announce, tables)

    def _announce(self, tables: FrozenSet[str]) -> None:
        self._pending |= tables
        if not self._announcing:
            self._announcing = True
            asyncio.get_running_loop().create_task(self._send_pending())

    async def _send_pending(self) -> None:
        try:
            while self._pending:
                tables, self._pending = sorted(self._pending), set()
                exchange = self.exchange
                if exchange is None:
                    return  # no connection: the web processes read on their own meanwhile
                body = json.dumps({"origin": self.origin, "tables": tables}).encode()
                message = aio_pika.Message(
                    body, content_type="application/json", app_id=self.origin
                )
                try:
                    await asyncio.wait_for(
                        exchange.publish(message, routing_key=""), PUBLISH_TIMEOUT_SECONDS
                    )
                    self.published += 1
                except Exception as error:  # the connection went while publishing
                    logger.info("could not announce a desk change: %s", error)
                    return
        finally:
            self._announcing = False


class ProcessAnnouncements:
    """A Rasa or action server's: every commit of the process to a watched table
    announced on a connection of its own (`start` and `stop` run on the server's
    loop; both are idempotent, since each of its channels asks)."""

    def __init__(self, role: str) -> None:
        self.role = role
        self.announcer: Optional[DeskAnnouncer] = None
        self._notices: Optional[CommitNotices] = None

    def start(self, amqp_url: str) -> None:
        if self.announcer is not None or not amqp_url:
            return
        self.announcer = DeskAnnouncer(process_origin(self.role))
        self.announcer.start(amqp_url)
        self._notices = CommitNotices(None, self.announcer.announce_threadsafe)
        self._notices.install()

    async def stop(self) -> None:
        if self._notices is not None:
            self._notices.remove()
            self._notices = None
        announcer, self.announcer = self.announcer, None
        if announcer is not None:
            await announcer.stop()
