"""helpdesk/desk_announcer.py on this machine's RabbitMQ: a process's commit to the
desk's tables is announced on `kefu-desk` with the tables and the process's origin,
nothing is announced for a read or a rolled-back change, and without a broker
(the embedded default, or RabbitMQ away) commits go on as ever."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List

import aio_pika

from helpdesk.conversation_records import ConversationRecords
from helpdesk.desk_announcer import DESK_EXCHANGE, ProcessAnnouncements
from helpdesk.models import utcnow
from ops.servers import free_ports
from tests.conftest import queue_chat, run_async

AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"


async def until(condition: Any, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "never happened"
        await asyncio.sleep(0.01)


async def announced_while(write: Any, url: str = AMQP_URL) -> Dict[str, Any]:
    """What a listener on kefu-desk hears while `write` runs in a worker thread, as a
    Rasa server's handoff guard writes."""
    heard: List[Dict[str, Any]] = []
    connection = await aio_pika.connect(AMQP_URL, timeout=5)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(DESK_EXCHANGE, aio_pika.ExchangeType.FANOUT)
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(exchange)

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            heard.append({"app_id": message.app_id, **json.loads(message.body)})

        await queue.consume(on_message, no_ack=True)
        announcements = ProcessAnnouncements("rasa")
        announcements.start(url)
        try:
            if url == AMQP_URL:
                await until(lambda: announcements.announcer.exchange is not None)
            await asyncio.to_thread(write)
            await asyncio.sleep(0.5)  # anything on its way arrives
            published = announcements.announcer.published
        finally:
            await announcements.stop()
    return {"heard": heard, "published": published}


def test_a_committed_desk_change_is_announced_with_its_tables_and_origin(demo_db):
    records = ConversationRecords(demo_db)
    queue_chat(records)
    result = run_async(
        announced_while(lambda: records.route_customer_message("chat-maya", "hello?", utcnow()))
    )
    [notice] = result["heard"]
    assert notice["tables"] == ["handoff_events"]
    assert notice["origin"] == notice["app_id"] and notice["origin"].startswith("kefu-rasa-")


def test_a_read_and_a_message_for_no_handoff_announce_nothing(demo_db):
    records = ConversationRecords(demo_db)

    def write() -> None:
        records.open_handoff_for("chat-maya")
        records.route_customer_message("no-handoff", "hi", utcnow())

    assert run_async(announced_while(write))["heard"] == []


def test_with_rabbitmq_unreachable_a_commit_still_succeeds_and_nothing_is_sent(demo_db):
    records = ConversationRecords(demo_db)
    chat = queue_chat(records)
    [closed] = free_ports(1)
    result = run_async(
        announced_while(
            lambda: records.route_customer_message("chat-maya", "kept", utcnow()),
            url=f"amqp://guest:guest@127.0.0.1:{closed}/",
        )
    )
    assert result["published"] == 0
    assert (
        records.route_customer_message("chat-maya", "still kept", utcnow()).held_by_handoff == chat
    )


def test_without_a_broker_nothing_is_installed():
    announcements = ProcessAnnouncements("actions")
    announcements.start("")
    assert announcements.announcer is None
    run_async(announcements.stop())
