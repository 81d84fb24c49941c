"""Real web processes' console streams, as the live-feed tests watch them
(tests/webapp/test_live_feed.py): a stream read in a thread like the browser's
EventSource, the agent's API calls, this test process writing as a Rasa server does
(its commits announced), a message like those of Rasa's event broker, and a link
to RabbitMQ that can be cut."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import aio_pika
import httpx
from sqlalchemy import func, select

from helpdesk.agents import AgentAccounts
from helpdesk.conversation_records import ConversationRecords
from helpdesk.db import Database
from helpdesk.desk_announcer import ProcessAnnouncements
from helpdesk.models import HandoffEvent
from ops.scaled import CONVERSATION_EXCHANGE
from ops.servers import free_ports
from tests.browser.web_app import web_app_alone
from tests.conftest import import_demo, queue_chat, run_async
from tests.webapp.agents_app import ALEX

AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
WAIT_S = 5.0


@dataclass
class ConsoleStream:
    """An agent's console stream read in a thread, as the browser's EventSource
    would: each event with the moment it arrived."""

    url: str
    cookies: httpx.Cookies
    last_event_id: Optional[int] = None
    ids: List[int] = field(default_factory=list)
    arrived: Dict[int, float] = field(default_factory=dict)
    tickets: List[float] = field(default_factory=list)  # when each `ticket` message came
    ready: threading.Event = field(default_factory=threading.Event)
    stopped: threading.Event = field(default_factory=threading.Event)

    def start(self) -> ConsoleStream:
        threading.Thread(target=self._read, daemon=True).start()
        assert self.ready.wait(WAIT_S), "the stream never said it was ready"
        return self

    def _read(self) -> None:
        headers = {} if self.last_event_id is None else {"Last-Event-ID": str(self.last_event_id)}
        client = httpx.Client(base_url=self.url, cookies=self.cookies, timeout=30)
        try:
            with client, client.stream("GET", "/api/events/stream", headers=headers) as response:
                assert response.status_code == 200
                for line in response.iter_lines():
                    if self.stopped.is_set():
                        return
                    if line.startswith("event: ready"):
                        self.ready.set()
                    elif line.startswith("event: ticket"):
                        self.tickets.append(time.monotonic())
                    elif line.startswith("id: "):
                        event_id = int(line[4:])
                        self.arrived.setdefault(event_id, time.monotonic())
                        self.ids.append(event_id)
        except httpx.HTTPError:
            if not self.stopped.is_set():
                raise  # the server ended it while the test still listened

    def wait_for(self, event_id: int, timeout: float = WAIT_S) -> float:
        """When `event_id` arrived (fails after `timeout`)."""
        deadline = time.monotonic() + timeout
        while event_id not in self.arrived:
            assert time.monotonic() < deadline, f"event {event_id} never reached the stream"
            time.sleep(0.002)
        return self.arrived[event_id]

    def stop(self) -> None:
        self.stopped.set()  # the next line it reads (a heartbeat at the latest) ends it


def signed_in(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=10)
    response = client.post("/api/agent/login", json={"email": ALEX[0], "password": ALEX[2]})
    assert response.status_code == 200, response.text
    return client


def feed_of(client: httpx.Client) -> dict:
    return client.get("/api/events/feed").json()


def note(client: httpx.Client, chat: int, text: str) -> int:
    response = client.post(f"/api/handoffs/{chat}/notes", json={"text": text})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def publish_like_rasa(sender_id: str) -> float:
    """What Rasa's Pika event broker publishes after saving a conversation; when it
    was published (Rasa's connection is open already: this one's opening is not
    counted)."""

    async def publish() -> float:
        connection = await aio_pika.connect(AMQP_URL, timeout=5)
        async with connection:
            channel = await connection.channel()
            exchange = await channel.declare_exchange(
                CONVERSATION_EXCHANGE, aio_pika.ExchangeType.FANOUT
            )
            body = json.dumps({"sender_id": sender_id, "event": "user", "timestamp": time.time()})
            published = time.monotonic()
            await exchange.publish(aio_pika.Message(body.encode()), routing_key="")
            return published

    return run_async(publish())


@contextlib.contextmanager
def writing_as_a_rasa_server(url: str = AMQP_URL) -> Iterator[ProcessAnnouncements]:
    """This test process's commits to the desk's tables announced, as a Rasa server's
    are (kefu_rasa/desk_notices.py), from an event loop of its own; connected."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    announcements = ProcessAnnouncements("rasa")

    async def start() -> None:
        announcements.start(url)

    try:
        asyncio.run_coroutine_threadsafe(start(), loop).result(WAIT_S)
        deadline = time.monotonic() + WAIT_S
        while announcements.announcer is None or announcements.announcer.exchange is None:
            assert time.monotonic() < deadline, "the announcer never reached RabbitMQ"
            time.sleep(0.02)
        yield announcements
    finally:
        asyncio.run_coroutine_threadsafe(announcements.stop(), loop).result(WAIT_S * 2)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(WAIT_S)
        loop.close()


def newest_event_id(db: Database) -> int:
    with db.session() as session:
        return session.execute(select(func.max(HandoffEvent.id))).scalar_one()


def prepared(db: Database) -> int:
    """The demo data, agent Alex and one queued chat (its id)."""
    import_demo(db)
    AgentAccounts(db).create_agent(*ALEX)
    return queue_chat(ConversationRecords(db))


@contextlib.contextmanager
def web_process(db: Database, root: Path, **settings: str) -> Iterator[str]:
    root.mkdir(parents=True, exist_ok=True)
    with web_app_alone(db.url, root, {"KEFU_SWEEP_SECONDS": "0", **settings}) as url:
        yield url


def wait_for_mode(client: httpx.Client, mode: str) -> None:
    deadline = time.monotonic() + 10
    while feed_of(client)["mode"] != mode:
        assert time.monotonic() < deadline, f"the live feed never became {mode}"
        time.sleep(0.05)


class CuttableLink:
    """A TCP forwarder to RabbitMQ that the test cuts (an outage: every connection
    dropped, nothing accepted) and restores on the same port."""

    def __init__(self, target: Tuple[str, int] = ("127.0.0.1", 5672)) -> None:
        self.target = target
        [self.port] = free_ports(1)
        self.sockets: List[socket.socket] = []
        self.listener: Optional[socket.socket] = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        assert self.listener is not None
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes its accept(), frees the port
        self.listener.close()
        for end in self.sockets:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()
        self.sockets = []
