"""A customer typing in a chat with a person: one column per handoff, rewritten at
most every RECORD_EVERY, read back for the few seconds it is worth showing."""

from datetime import timedelta

from helpdesk.models import Handoff, utcnow
from helpdesk.typing_signals import RECORD_EVERY, SHOWN_FOR, CustomerTyping
from tests.conftest import queue_chat


def test_typing_is_recorded_at_most_every_few_seconds(conversations, demo_db):
    chat = queue_chat(conversations)
    typing = CustomerTyping(demo_db)
    now = utcnow()
    assert typing.note("chat-maya", now)
    assert not typing.note("chat-maya", now + RECORD_EVERY / 2)  # a keystroke later: no write
    assert typing.note("chat-maya", now + RECORD_EVERY + timedelta(milliseconds=1))
    with demo_db.session() as session:
        assert session.get(Handoff, chat).customer_typing_at == now + RECORD_EVERY + timedelta(
            milliseconds=1
        )


def test_only_chats_with_a_person_record_typing(conversations, demo_db):
    typing = CustomerTyping(demo_db)
    assert not typing.note("a-chat-with-the-bot-only", utcnow())
    chat = queue_chat(conversations)
    with demo_db.session() as session:
        session.get(Handoff, chat).status = "resolved"
    assert not typing.note("chat-maya", utcnow())
    assert typing.typing_now(utcnow()) == []


def test_typing_counts_as_now_for_a_few_seconds(conversations, demo_db):
    chat = queue_chat(conversations)
    queue_chat(conversations, conversation_id="chat-quiet", customer_id=None)
    typing = CustomerTyping(demo_db)
    at = utcnow()
    typing.note("chat-maya", at)
    [signal] = typing.typing_now(at + timedelta(seconds=1))
    assert (signal.handoff_id, signal.at) == (chat, at)
    assert typing.typing_now(at + SHOWN_FOR + timedelta(seconds=1)) == []
