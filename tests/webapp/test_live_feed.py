"""The consoles' live feed on real web processes (webapp/live_feed.py,
webapp/live_broker.py): two processes on one PostgreSQL database with RabbitMQ at
127.0.0.1:5672 wake each other, and are woken by a Rasa server's announced commit,
within milliseconds, but not by Rasa's own conversation events; a reconnecting
stream resumes on the other process without gap or duplicate, a process whose
RabbitMQ is away (or goes away) polls, and the embedded default (SQLite, no broker)
delivers as before."""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import threading
import time
from pathlib import Path
from typing import List

import httpx
import pytest
from sqlalchemy import select

from helpdesk.agents import AgentAccounts
from helpdesk.company import load_company
from helpdesk.conversation_records import ConversationRecords
from helpdesk.db import Database
from helpdesk.handoffs.desk import HandoffDesk
from helpdesk.models import HandoffEvent, utcnow
from helpdesk.records import NewTicket
from helpdesk.sql_records import SqlCustomerRecords
from ops.servers import free_ports
from tests.conftest import queue_chat, run_async
from tests.helpdesk.test_postgres import pg_db  # noqa: F401  (a fixture)
from tests.webapp.agents_app import ALEX
from tests.webapp.live_consoles import (
    AMQP_URL,
    ConsoleStream,
    CuttableLink,
    feed_of,
    newest_event_id,
    note,
    prepared,
    publish_like_rasa,
    signed_in,
    wait_for_mode,
    web_process,
    writing_as_a_rasa_server,
)
from webapp.live_feed import FeedSubscription, LiveFeed


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
def test_a_console_on_one_process_hears_the_other_process_and_a_rasa_commit_within_ms(
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
    with writing_as_a_rasa_server():
        reads_before = feed_of(agent_a)["reads"]
        for i in range(20):
            written = time.monotonic()
            event_id = note(agent_b, chat, f"note {i} from process B")
            web_delays.append(min(c.wait_for(event_id) for c in consoles) - written)
            time.sleep(0.1)  # not in step with any 250 ms poll
            # The handoff guard's write in a Rasa server, announced after its commit.
            written = time.monotonic()
            assert records.route_customer_message("chat-maya", f"message {i}", utcnow())
            event_id = newest_event_id(db)
            rasa_delays.append(consoles[0].wait_for(event_id) - written)
            time.sleep(0.1)
        reads = feed_of(agent_a)["reads"] - reads_before
    for console in consoles:
        console.stop()

    print(
        f"\nprocess B -> console on A: p50 {statistics.median(web_delays) * 1000:.1f} ms, "
        f"max {max(web_delays) * 1000:.1f} ms; a Rasa server's commit -> console: p50 "
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
def test_ticket_replies_reach_a_console_by_notice_and_idle_consoles_do_not_read_them(
    two_processes,
):
    db, chat, agent_a, _agent_b = two_processes
    tickets = SqlCustomerRecords(db)
    ticket = tickets.create_ticket(
        NewTicket(
            priority=1,
            customer_id="C1001",
            category="billing",
            subject="Charged twice",
            description="x",
            urgency="normal",
        )
    )
    alex = agent_a.get("/api/agent/me").json()["id"]
    assert agent_a.patch(f"/api/tickets/{ticket.ref}", json={"assignee_id": alex}).is_success
    consoles = [ConsoleStream(str(agent_a.base_url), agent_a.cookies).start() for _ in range(3)]
    time.sleep(0.5)  # each stream's first read, which sets its cursor
    reads_before = feed_of(agent_a)["ticket_reads"]
    time.sleep(6.5)  # idle: three consoles polling every 2 s would read 9 times
    idle_reads = feed_of(agent_a)["ticket_reads"] - reads_before
    with writing_as_a_rasa_server():
        # A customer's reply on the ticket, written (and announced) by the action
        # server of a chat.
        written = time.monotonic()
        tickets.add_ticket_comment(ticket.id, "customer", "Maya", "Here is the photo")
        deadline = written + 5
        while not all(c.tickets for c in consoles) and time.monotonic() < deadline:
            time.sleep(0.01)
    for console in consoles:
        console.stop()
    assert idle_reads == 0, idle_reads
    assert all(len(c.tickets) == 1 for c in consoles), [c.tickets for c in consoles]
    assert max(c.tickets[0] for c in consoles) - written < 2.5  # a stream's 2 s pace


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

        warm_up = note(agent, chat, "the process's first write is slower")
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
            assert console.ids == [warm_up, own, elsewhere]
    assert own_delay < 0.2 and elsewhere_delay < 0.5, (own_delay, elsewhere_delay)
    db.dispose()


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
        with writing_as_a_rasa_server():
            written = time.monotonic()
            records.route_customer_message("chat-maya", "after the outage", utcnow())
            event_id = newest_event_id(db)
            assert console.wait_for(event_id) - written < 0.25  # not the 5 s safety read
        assert feed_of(agent)["broker_messages"] == woken_before + 1  # the queue is bound again
        console.wait_for(note(agent, chat, "and the desk works"), timeout=1.0)
        console.stop()
    link.cut()
    log = (tmp_path / "web" / "web.log").read_text()
    assert log.count("RabbitMQ unreachable") == 1 and "RabbitMQ is back" in log, log
    db.dispose()


def test_rasas_own_conversation_events_do_not_wake_a_web_process_but_desk_commits_do(tmp_path):
    # Every bot turn publishes Rasa events; a web process that followed them paid
    # for every turn of every conversation (docs/scaling.md, what breaks first).
    db = Database(f"sqlite:///{tmp_path / 'kefu.db'}")
    prepared(db)
    with (
        web_process(db, tmp_path / "web", KEFU_AMQP_URL=AMQP_URL) as url,
        contextlib.closing(signed_in(url)) as agent,
    ):
        wait_for_mode(agent, "broker")
        console = ConsoleStream(url, agent.cookies).start()
        woken_before = feed_of(agent)["broker_messages"]
        for _ in range(5):
            publish_like_rasa("chat-maya")
        with writing_as_a_rasa_server():
            written = time.monotonic()
            ConversationRecords(db).route_customer_message("chat-maya", "hello?", utcnow())
            assert console.wait_for(newest_event_id(db)) - written < 0.25
        assert feed_of(agent)["broker_messages"] == woken_before + 1
        console.stop()
    db.dispose()


# ----- the shared reader in-process, on a real SQLite database, with small batches ----


async def pass_on(feed: LiveFeed, subscription: FeedSubscription, last_id: int) -> List[int]:
    """What a stream passes on, as webapp/console_stream.py does, up to `last_id`."""
    passed: List[int] = []
    while not passed or passed[-1] < last_id:
        if subscription.behind:
            passed += [e.id for e in await feed.catch_up(subscription)]
        else:
            passed += [e.id for e in subscription.take()]
            await subscription.wait(0.5)
    return passed


@pytest.fixture
def desk_and_chat(demo_db, settings):
    agent = AgentAccounts(demo_db).create_agent(*ALEX)
    chat = queue_chat(ConversationRecords(demo_db))
    desk = HandoffDesk(
        demo_db, SqlCustomerRecords(demo_db), load_company(settings.knowledge_base_dir)
    )
    return desk, chat, lambda text: desk.add_note(chat, agent, text, utcnow()).id


def test_a_stream_joining_behind_the_reader_reads_its_backlog_in_batches_then_joins(
    desk_and_chat,
):
    desk, chat, write = desk_and_chat
    feed = LiveFeed(lambda after: desk.events_after(after, limit=5), poll_seconds=0.02, batch=5)
    start = desk.latest_event_id()

    async def run() -> tuple:
        first = feed.subscribe(start)
        written = [write(f"note {i}") for i in range(12)]
        assert await pass_on(feed, first, written[-1]) == written
        late = feed.subscribe(start)  # e.g. a reconnect with Last-Event-ID
        assert late.behind
        more = [write(f"more {i}") for i in range(3)]
        passed = await pass_on(feed, late, more[-1])
        await feed.stop()
        return passed, written + more

    passed, every_id = run_async(run())
    assert passed == every_id


def test_a_stream_too_slow_for_its_buffer_catches_up_from_the_database_without_gap(
    desk_and_chat,
):
    desk, chat, write = desk_and_chat
    feed = LiveFeed(desk.events_after, poll_seconds=0.02, most_buffered=3)
    start = desk.latest_event_id()

    async def run() -> tuple:
        slow = feed.subscribe(start)
        written = []
        for i in range(10):
            written.append(write(f"note {i}"))
            await asyncio.sleep(0.05)  # the reader hands each over; nobody takes them
        assert slow.behind and slow.overflows >= 1 and len(slow.events) <= 3
        passed = await pass_on(feed, slow, written[-1])
        await feed.stop()
        return passed, written

    passed, written = run_async(run())
    assert passed == written
