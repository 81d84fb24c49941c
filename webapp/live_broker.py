"""The web process's one RabbitMQ connection for the consoles' live feed (scaled
mode, `KEFU_AMQP_URL` set).

It listens on its own exclusive, auto-deleted queue bound to the fanout exchange
`kefu-desk`, where every process that commits a change the consoles show publishes
a small notice after the commit (helpdesk/desk_announcer.py): the other web
processes, the Rasa servers (a customer's message for the agent) and the action
servers (a new handoff). A notice wakes the process's live feed
(webapp/live_feed.py), except its own: its commit woke the feed already. Its own
commits go out through the same connection.

It does not bind Rasa's `kefu-conversations`: every event of every conversation
is there, and only those that wrote a handoff or a ticket matter to a console,
which their writers announce (docs/scaling.md, "what breaks first").

Connecting is bounded by `connect_timeout`; until the first connection succeeds it
retries every `retry_seconds`, and aio-pika's robust connection reconnects (and
re-declares the queue and its binding) after a later loss. While there is no
connection the feed polls as in the embedded default; that is logged once per
outage.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any, FrozenSet, Optional

import aio_pika
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection

from helpdesk.desk_announcer import (
    CONNECT_TIMEOUT_SECONDS,
    DESK_EXCHANGE,
    RETRY_SECONDS,
    DeskAnnouncer,
    cancel_and_close,
    process_origin,
)
from webapp.live_feed import LiveFeed

logger = logging.getLogger(__name__)


class LiveBroker:
    def __init__(
        self,
        url: str,
        feed: LiveFeed,
        connect_timeout: float = CONNECT_TIMEOUT_SECONDS,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self.url = url
        self.feed = feed
        self.connect_timeout = connect_timeout
        self.retry_seconds = retry_seconds
        self.announcer = DeskAnnouncer(process_origin("web"))
        self.origin = self.announcer.origin
        self.received = 0  # messages that woke the feed (GET /api/events/feed)
        self._connection: Optional[AbstractRobustConnection] = None
        self._task: Optional[asyncio.Task] = None
        self._warned = False

    # ----- running -------------------------------------------------------------------

    def start(self) -> None:
        self.announcer.bind_loop()
        self._task = asyncio.get_running_loop().create_task(self._connect_until_up())

    async def stop(self) -> None:
        task, self._task = self._task, None
        connection, self._connection = self._connection, None  # (not a loss: _on_close)
        self.announcer.exchange = None
        self.feed.set_broker_connected(False)
        await cancel_and_close(task, connection, self.connect_timeout)

    async def _connect_until_up(self) -> None:
        while True:
            try:
                await self._connect()
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:  # refused, timed out, bad credentials...
                self._lost(error)
                await asyncio.sleep(self.retry_seconds)

    async def _connect(self) -> None:
        connection = await aio_pika.connect_robust(
            self.url,
            timeout=self.connect_timeout,
            reconnect_interval=self.retry_seconds,
            client_properties={"connection_name": self.origin},
        )
        try:
            channel = await connection.channel()
            queue = await channel.declare_queue(
                f"{self.origin}-live", exclusive=True, auto_delete=True
            )
            # As every process declares it (helpdesk/desk_announcer.py): not durable.
            desk = await channel.declare_exchange(DESK_EXCHANGE, aio_pika.ExchangeType.FANOUT)
            await queue.bind(desk)
            await queue.consume(self._on_message, no_ack=True)
        except BaseException:
            with contextlib.suppress(Exception):
                await connection.close()
            raise
        connection.close_callbacks.add(self._on_close)
        connection.reconnect_callbacks.add(self._on_reconnect)
        self._connection = connection
        self.announcer.exchange = desk
        self._up()

    def _up(self) -> None:
        if self._warned:
            logger.warning("RabbitMQ is back: the consoles' live feed follows it again")
        self._warned = False
        self.feed.set_broker_connected(True)

    def _lost(self, error: Any) -> None:
        self.feed.set_broker_connected(False)  # (the announcer's publish fails meanwhile)
        if not self._warned:
            self._warned = True
            logger.warning(
                "RabbitMQ unreachable at %s (%s): the consoles' live feed polls the "
                "database every %g s until it is back",
                _without_password(self.url),
                error,
                self.feed.poll_seconds,
            )

    def _on_close(self, _connection: Any, error: Any = None) -> None:
        if self._connection is not None:  # not our own stop()
            self._lost(error or "connection closed")

    def _on_reconnect(self, _connection: Any) -> None:
        self._up()

    # ----- what comes in -------------------------------------------------------------

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        if message.app_id == self.origin:
            return  # this process's own notice: its commit woke the feed already
        self.received += 1
        self.feed.noticed(announced_tables(message.body))

    # ----- what goes out -------------------------------------------------------------

    def announce_threadsafe(self, tables: FrozenSet[str]) -> None:
        """After a commit of this process (from any thread): tell the others."""
        if self.feed.broker_connected is not False:
            self.announcer.announce_threadsafe(tables)


def _without_password(url: str) -> str:
    scheme, _, rest = url.partition("://")
    if "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


def announced_tables(body: bytes) -> Optional[FrozenSet[str]]:
    """The tables a desk notice says its commit wrote (helpdesk/desk_announcer.py);
    None when it does not say, so the feeds read everything."""
    try:
        tables = json.loads(body)["tables"]
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(tables, list) or not all(isinstance(t, str) for t in tables):
        return None
    return frozenset(tables)
