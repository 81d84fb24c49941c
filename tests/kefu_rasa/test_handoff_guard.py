"""What a customer hears while their chat waits for a person: the bot stays silent,
but a message they type is acknowledged now and then (not every one, and never
once an agent holds the chat), in the chat's language. Also what the guard keeps
for the agent while the database is down (its spool)."""

import asyncio
from datetime import timedelta

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from helpdesk.agents import AgentAccounts
from helpdesk.conversation_records import NewHandoff
from helpdesk.handoffs.desk import HandoffDesk
from helpdesk.handoffs.waiting_ack import WaitingAcknowledger
from kefu_rasa import handoff_guard
from kefu_rasa.message_spool import MessageSpool, SpooledMessage
from tests.conftest import OPEN_HOURS, queue_chat, run_async

NOTED = "Thanks, I've added that to your conversation; the person who joins will see it."


@pytest.fixture
def guard(monkeypatch, tmp_path, conversations, demo_db):
    """The guard on the test database, its clock set by the test (`guard.now`)."""
    clock = {"now": OPEN_HOURS}
    monkeypatch.setattr(handoff_guard, "_records", conversations)
    monkeypatch.setattr(handoff_guard, "_spool", MessageSpool(tmp_path / "spool.db"))
    monkeypatch.setattr(handoff_guard, "_spool_task", None)
    monkeypatch.setattr(
        handoff_guard, "_acknowledger", WaitingAcknowledger(demo_db, every=timedelta(minutes=3))
    )
    monkeypatch.setattr(handoff_guard, "utcnow", lambda: clock["now"])
    bot_answered = []

    async def bot(message):
        bot_answered.append(message.text)

    def say(text, conversation_id="chat-maya", after=timedelta(0), message_id=None, **metadata):
        clock["now"] += after
        collector = CollectingOutputChannel()
        message = UserMessage(
            text, collector, conversation_id, message_id=message_id, metadata=metadata or None
        )
        run_async(handoff_guard.hold_for_agent(bot)(message))
        return [m.get("text") for m in collector.messages]

    say.bot_answered = bot_answered
    return say


def test_a_message_typed_while_waiting_is_acknowledged_and_the_bot_stays_silent(
    guard, conversations
):
    queue_chat(conversations)
    assert guard("It's the 55 inch one") == [NOTED]
    assert guard.bot_answered == []


def test_a_burst_of_messages_is_acknowledged_once_until_the_interval_passes(guard, conversations):
    queue_chat(conversations)
    assert guard("hello?") == [NOTED]
    assert guard("anyone there?", after=timedelta(seconds=20)) == []
    assert guard("the screen is cracked", after=timedelta(minutes=2)) == []
    assert guard("still here", after=timedelta(minutes=1)) == [NOTED]


def test_messages_to_the_agent_holding_the_chat_are_not_acknowledged(
    guard, conversations, demo_db, records, facts
):
    chat = queue_chat(conversations)
    agent = AgentAccounts(demo_db).create_agent("alex@brightwave.example", "Alex", "password123!")
    HandoffDesk(demo_db, records, facts).claim(chat, agent, OPEN_HOURS)
    assert guard("thanks for joining") == []
    assert guard.bot_answered == []


def test_a_chinese_chat_is_acknowledged_in_chinese(guard, conversations):
    conversations.create_handoff(
        NewHandoff(
            conversation_id="chat-zh",
            reason="customer_request",
            transcript=[],
            collected={},
            created_at=OPEN_HOURS,
            language="zh",
        )
    )
    assert guard("电视屏幕碎了", "chat-zh") == ["收到，我已把这条消息加到对话里，接入的客服专员会看到。"]


def test_without_a_handoff_the_bot_answers_and_nothing_is_acknowledged(guard):
    assert guard("where is my order?", "no-handoff") == []
    assert guard.bot_answered == ["where is my order?"]


def test_a_message_the_widget_resends_after_a_crash_reaches_the_agent_once(
    guard, conversations, demo_db, records, facts
):
    # The Rasa process kept the message for the agent, then died before saving the
    # conversation; the widget sends it again, with its id, to another process.
    chat = queue_chat(conversations)
    guard("the screen is cracked", message_id="9f8e7d6c5b4a")
    guard("the screen is cracked", message_id="9f8e7d6c5b4a", resent=True)
    guard("the screen is cracked", message_id="0a1b2c3d4e5f")  # said again: a new message
    events = HandoffDesk(demo_db, records, facts).detail(chat).events
    said = [e.body for e in events if e.kind == "customer_message"]
    assert said == ["the screen is cracked", "the screen is cracked"]
    assert guard.bot_answered == []


def customer_messages(demo_db, records, facts, handoff) -> list:
    events = HandoffDesk(demo_db, records, facts).detail(handoff).events
    return [e.body for e in events if e.kind == "customer_message"]


def test_a_message_spooled_by_two_processes_during_an_outage_reaches_the_agent_once(
    guard, conversations, demo_db, records, facts, tmp_path, monkeypatch
):
    # The database was down: the process that spooled the message died before the
    # widget heard back, and the process the widget reached spooled it again.
    chat = queue_chat(conversations)
    resent = SpooledMessage("chat-maya", "the screen is cracked", OPEN_HOURS, "9f8e7d6c5b4a")
    for process in ("rasa-1", "rasa-2"):
        spool = MessageSpool(tmp_path / f"{process}.db")
        spool.put(resent)
        monkeypatch.setattr(handoff_guard, "_spool", spool)
        assert run_async(handoff_guard.deliver_spooled())
    assert customer_messages(demo_db, records, facts, chat) == ["the screen is cracked"]


def test_what_a_process_spooled_before_it_stopped_is_delivered_when_it_starts(
    guard, conversations, demo_db, records, facts, tmp_path
):
    chat = queue_chat(conversations)
    before_the_restart = MessageSpool(tmp_path / "spool.db")  # the guard's spool file
    before_the_restart.put(SpooledMessage("chat-maya", "hello?", OPEN_HOURS))
    before_the_restart.put(SpooledMessage("chat-maya", "is anyone there?", OPEN_HOURS))

    async def start() -> bool:
        delivery = await handoff_guard.resume_spooled()
        assert delivery is not None
        await asyncio.wait_for(delivery, 30)
        return handoff_guard.message_spool().is_waiting("chat-maya")

    assert run_async(start()) is False
    assert customer_messages(demo_db, records, facts, chat) == ["hello?", "is anyone there?"]
    assert run_async(handoff_guard.resume_spooled()) is None  # nothing left
