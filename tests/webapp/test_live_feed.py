"""The consoles' live feed on real web processes (webapp/live_feed.py,
webapp/live_broker.py): two processes on one PostgreSQL database with RabbitMQ at
127.0.0.1:5672 wake each other within milliseconds, a reconnecting stream resumes on
the other process without gap or duplicate, a process whose RabbitMQ is away polls,
and the embedded default (SQLite, no broker) delivers as before."""

from __future__ import annotations

import contextlib
import json
import socket
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import aio_pika
import httpx
import pytest
from sqlalchemy import func, select

from helpdesk.agents import AgentAccounts
from helpdesk.conversation_records import ConversationRecords
from helpdesk.db import Database
from helpdesk.models import HandoffEvent, utcnow
from ops.servers import free_ports
from tests.browser.web_app import web_app_alone
from tests.conftest import import_demo, queue_chat, run_async
from tests.helpdesk.test_postgres import pg_db  # noqa: F401  (a fixture)
from tests.webapp.agents_app import ALEX
from webapp.live_broker import CONVERSATIONS_EXCHANGE

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
                CONVERSATIONS_EXCHANGE, aio_pika.ExchangeType.FANOUT
            )
            body = json.dumps({"sender_id": sender_id, "event": "user", "timestamp": time.time()})
            published = time.monotonic()
            await exchange.publish(aio_pika.Message(body.encode()), routing_key="")
            return published

    return run_async(publish())


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


@pytest.fixture
def two_processes(pg_db: Database, tmp_path: Path):  # noqa: F811
    chat = prepared(pg_db)
    with (
        web_process(pg_db, tmp_path / "a", KEFU_AMQP_URL=AMQP_URL) as a,
        web_process(pg_db, tmp_path / "b", KEFU_AMQP_URL=AMQP_URL) as b,
    ):
        agent_a, agent_b = signed_in(a), signed_in(b)
        wait_for_mode(agent_a, "broker")
        wait_for_mode(agent_b, "broker")
        yield pg_db, chat, agent_a, agent_b
        agent_a.close()
        agent_b.close()


@pytest.mark.postgres
def test_a_console_on_one_process_hears_the_other_process_and_rasa_within_milliseconds(
    two_processes,
):
    db, chat, agent_a, agent_b = two_processes
    consoles = [ConsoleStream(str(agent_a.base_url), agent_a.cookies).start() for _ in range(3)]
    warm_up = note(agent_b, chat, "the first note: B's first write is slower")
    for console in consoles:
        console.wait_for(warm_up)
    reads_before = feed_of(agent_a)["reads"]
    # Idle with three consoles open: the broker says nothing, so nothing is read.
    time.sleep(2.0)
    assert feed_of(agent_a)["reads"] - reads_before <= 1  # at most the 5 s safety read
    assert feed_of(agent_a)["streams"] == 3

    web_delays, rasa_delays = [], []
    records = ConversationRecords(db)
    reads_before = feed_of(agent_a)["reads"]
    for i in range(20):
        written = time.monotonic()
        event_id = note(agent_b, chat, f"note {i} from process B")
        web_delays.append(min(c.wait_for(event_id) for c in consoles) - written)
        time.sleep(0.1)  # not in step with any 250 ms poll
        # The handoff guard's write in a Rasa process, then Rasa's broker message.
        assert records.route_customer_message("chat-maya", f"message {i}", utcnow())
        event_id = newest_event_id(db)
        published = publish_like_rasa("chat-maya")
        rasa_delays.append(consoles[0].wait_for(event_id) - published)
        time.sleep(0.1)
    reads = feed_of(agent_a)["reads"] - reads_before
    for console in consoles:
        console.stop()

    print(
        f"\nprocess B -> console on A: p50 {statistics.median(web_delays) * 1000:.1f} ms, "
        f"max {max(web_delays) * 1000:.1f} ms; Rasa's broker message -> console: p50 "
        f"{statistics.median(rasa_delays) * 1000:.1f} ms, max {max(rasa_delays) * 1000:.1f} ms;"
        f" shared reads on A for 40 events and 3 consoles: {reads}"
    )
    assert statistics.median(web_delays) < 0.1, web_delays
    assert statistics.median(rasa_delays) < 0.1, rasa_delays
    assert max(web_delays + rasa_delays) < 0.25 * 2, (web_delays, rasa_delays)
    # One shared read per wake for three consoles (a commit's notice may share it),
    # where three polling consoles would have read ~4 times a second each.
    assert reads <= 2 * 40 + 2, reads
    for console in consoles:
        assert len(console.ids) == len(set(console.ids)) == 41


@pytest.mark.postgres
def test_a_stream_reconnecting_to_the_other_process_gets_every_event_in_between_once(
    two_processes,
):
    db, chat, agent_a, agent_b = two_processes
    # B's reader is ahead of where A's console stops: the reconnecting stream must
    # read its backlog itself, then join B's shared feed.
    on_b = ConsoleStream(str(agent_b.base_url), agent_b.cookies).start()
    on_a = ConsoleStream(str(agent_a.base_url), agent_a.cookies).start()
    seen = note(agent_a, chat, "seen on A")
    on_a.wait_for(seen)
    on_a.stop()

    writing = threading.Event()
    writing.set()
    written: List[int] = []

    def keep_writing(client: httpx.Client) -> None:
        while writing.is_set():
            written.append(note(client, chat, f"note {len(written)}"))
            time.sleep(0.01)

    writers = [
        threading.Thread(target=keep_writing, args=(signed_in(str(c.base_url)),))
        for c in (agent_a, agent_b)
    ]
    for writer in writers:
        writer.start()
    time.sleep(0.5)  # the console is away: these it must get on reconnecting
    missed_while_away = len(written)
    again = ConsoleStream(str(agent_b.base_url), agent_b.cookies, last_event_id=seen).start()
    time.sleep(0.5)  # and these arrive while it catches up
    writing.clear()
    for writer in writers:
        writer.join()
    again.wait_for(max(written))
    on_b.wait_for(max(written))
    time.sleep(0.3)  # anything duplicated would have come by now
    again.stop()
    on_b.stop()

    with db.session() as session:
        every_id_after = list(
            session.execute(
                select(HandoffEvent.id).where(HandoffEvent.id > seen).order_by(HandoffEvent.id)
            ).scalars()
        )
    assert missed_while_away >= 10
    assert again.ids == every_id_after == sorted(written)


def test_with_rabbitmq_unreachable_the_streams_still_deliver_by_polling(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'kefu.db'}")
    chat = prepared(db)
    [closed_port] = free_ports(1)
    settings = {"KEFU_AMQP_URL": f"amqp://guest:guest@127.0.0.1:{closed_port}/"}
    started = time.monotonic()
    with (
        web_process(db, tmp_path / "web", **settings) as url,
        contextlib.closing(signed_in(url)) as agent,
    ):
        assert feed_of(agent)["mode"] == "polling"
        console = ConsoleStream(url, agent.cookies).start()
        own = note(agent, chat, "written through this process")
        console.wait_for(own, timeout=1.0)
        ConversationRecords(db).route_customer_message("chat-maya", "from Rasa", utcnow())
        written = time.monotonic()
        from_elsewhere = newest_event_id(db)
        assert console.wait_for(from_elsewhere, timeout=1.0) - written < 0.5
        time.sleep(max(0.0, started + 12 - time.monotonic()))  # a retry or two
        assert feed_of(agent)["mode"] == "polling"
        console.stop()
    log = (tmp_path / "web" / "web.log").read_text()
    assert log.count("RabbitMQ unreachable") == 1, log
    db.dispose()


def test_the_embedded_default_delivers_as_before_with_one_poll_per_process(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'kefu.db'}")
    chat = prepared(db)
    with web_process(db, tmp_path / "web") as url, contextlib.closing(signed_in(url)) as agent:
        consoles = [ConsoleStream(url, agent.cookies).start() for _ in range(3)]
        time.sleep(0.3)
        before = feed_of(agent)
        time.sleep(2.0)
        after = feed_of(agent)
        reads = after["reads"] - before["reads"]
        assert before["mode"] == "polling" and before["streams"] == 3
        assert 4 <= reads <= 10  # one poll every 250 ms for all three, not 24 reads
        assert 1 <= after["typing_reads"] - before["typing_reads"] <= 3  # not 6

        written = time.monotonic()
        own = note(agent, chat, "written through this process")  # wakes it at once
        own_delay = min(c.wait_for(own) for c in consoles) - written
        ConversationRecords(db).route_customer_message("chat-maya", "from Rasa", utcnow())
        written = time.monotonic()
        elsewhere = newest_event_id(db)
        elsewhere_delay = consoles[0].wait_for(elsewhere, timeout=1.0) - written
        time.sleep(0.3)
        for console in consoles:
            console.stop()
            assert console.ids == [own, elsewhere]
    assert own_delay < 0.2 and elsewhere_delay < 0.5, (own_delay, elsewhere_delay)
    db.dispose()


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


def test_a_rabbitmq_outage_falls_back_to_polling_and_the_broker_is_followed_again_after(
    tmp_path,
):
    db = Database(f"sqlite:///{tmp_path / 'kefu.db'}")
    chat = prepared(db)
    link = CuttableLink()
    settings = {"KEFU_AMQP_URL": f"amqp://guest:guest@127.0.0.1:{link.port}/"}
    records = ConversationRecords(db)
    with (
        web_process(db, tmp_path / "web", **settings) as url,
        contextlib.closing(signed_in(url)) as agent,
    ):
        wait_for_mode(agent, "broker")
        console = ConsoleStream(url, agent.cookies).start()
        link.cut()
        wait_for_mode(agent, "polling")
        records.route_customer_message("chat-maya", "during the outage", utcnow())
        written = time.monotonic()
        assert console.wait_for(newest_event_id(db), timeout=1.0) - written < 0.5

        link.restore()
        wait_for_mode(agent, "broker")  # aio-pika reconnected by itself
        woken_before = feed_of(agent)["broker_messages"]
        records.route_customer_message("chat-maya", "after the outage", utcnow())
        event_id = newest_event_id(db)
        published = publish_like_rasa("chat-maya")
        assert console.wait_for(event_id) - published < 0.25  # not the 5 s safety read
        assert feed_of(agent)["broker_messages"] == woken_before + 1  # the queue is bound again
        console.wait_for(note(agent, chat, "and the desk works"), timeout=1.0)
        console.stop()
    link.cut()
    log = (tmp_path / "web" / "web.log").read_text()
    assert log.count("RabbitMQ unreachable") == 1 and "RabbitMQ is back" in log, log
    db.dispose()
