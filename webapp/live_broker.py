"""The web process's one RabbitMQ connection for the consoles' live feed (scaled
mode, `KEFU_AMQP_URL` set).

It listens on its own exclusive, auto-deleted queue bound to two fanout exchanges:
- `kefu-conversations`, where each Rasa server's Pika event broker publishes every
  conversation event after saving the tracker (so after the handoff guard or an
  action committed its handoff event): "the database may have news";
- `kefu-desk`, where web processes publish a small notice after committing a desk
  change that did not go through Rasa (webapp/desk_notices.py):
  `{"origin": <process>, "tables": [...]}`.
Any message wakes the process's live feed (webapp/live_feed.py), except its own
notices: those woke it already. The bodies are not needed beyond that.

Connecting is bounded by `connect_timeout`; until the first connection succeeds it
retries every `retry_seconds`, and aio-pika's robust connection reconnects (and
re-declares the queue and its bindings) after a later loss. While there is no
connection the feed polls as in the embedded default; that is logged once per
outage.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import uuid
from typing import Any, FrozenSet, Optional, Set

import aio_pika
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection

from webapp.live_feed import LiveFeed

logger = logging.getLogger(__name__)

CONVERSATIONS_EXCHANGE = "kefu-conversations"  # Rasa's Pika broker (endpoints)
DESK_EXCHANGE = "kefu-desk"  # the web processes' own notices
CONNECT_TIMEOUT_SECONDS = 5.0
RETRY_SECONDS = 5.0


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
        self.origin = f"kefu-web-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.received = 0  # messages that woke the feed (GET /api/events/feed)
        self._connection: Optional[AbstractRobustConnection] = None
        self._desk: Optional[aio_pika.abc.AbstractExchange] = None
        self._task: Optional[asyncio.Task] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._pending: Set[str] = set()  # tables of commits not announced yet
        self._announcing = False
        self._warned = False

    # ----- running -------------------------------------------------------------------

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = self._loop.create_task(self._connect_until_up())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        connection, self._connection = self._connection, None
        self.feed.set_broker_connected(False)
        if connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), self.connect_timeout)

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
            for name in (CONVERSATIONS_EXCHANGE, DESK_EXCHANGE):
                # As Rasa's Pika broker declares its exchange (not durable).
                exchange = await channel.declare_exchange(name, aio_pika.ExchangeType.FANOUT)
                await queue.bind(exchange)
                if name == DESK_EXCHANGE:
                    self._desk = exchange
            await queue.consume(self._on_message, no_ack=True)
        except BaseException:
            with contextlib.suppress(Exception):
                await connection.close()
            raise
        connection.close_callbacks.add(self._on_close)
        connection.reconnect_callbacks.add(self._on_reconnect)
        self._connection = connection
        self._up()

    def _up(self) -> None:
        if self._warned:
            logger.warning("RabbitMQ is back: the consoles' live feed follows it again")
        self._warned = False
        self.feed.set_broker_connected(True)

    def _lost(self, error: Any) -> None:
        self.feed.set_broker_connected(False)
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
        self.feed.wake()

    # ----- what goes out -------------------------------------------------------------

    def announce_threadsafe(self, tables: FrozenSet[str]) -> None:
        """After a commit (from any thread): tell the other web processes. Commits
        that come while a notice is on its way share the next one."""
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
                exchange = self._desk
                if exchange is None or self.feed.broker_connected is False:
                    return  # the others poll meanwhile, and read when it is back
                body = json.dumps({"origin": self.origin, "tables": tables}).encode()
                message = aio_pika.Message(
                    body, content_type="application/json", app_id=self.origin
                )
                try:
                    await asyncio.wait_for(exchange.publish(message, routing_key=""), 5.0)
                except Exception as error:  # the connection went while publishing
                    logger.info("could not announce a desk change: %s", error)
                    return
        finally:
            self._announcing = False


def _without_password(url: str) -> str:
    scheme, _, rest = url.partition("://")
    if "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"
