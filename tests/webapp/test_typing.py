"""Typing indicators through the web app: the agent holding a chat tells the
customer's widget they are typing (through Rasa's socket.io channel, stood in for
by httpx's MockTransport), and the console learns which customers are typing."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from helpdesk.models import utcnow
from helpdesk.typing_signals import CustomerTyping
from tests.conftest import queue_chat, run_async
from webapp.typing_feed import CustomerTypingFeed

TYPING_PATH = "/webhooks/socketio/typing"


@pytest.fixture
def chat(conversations):
    return queue_chat(conversations)


def typing_calls(rasa):
    return [body for path, body in rasa.calls if path == TYPING_PATH]


def test_the_agent_holding_the_chat_tells_the_customer_they_are_typing(alex, chat, rasa):
    alex.post(f"/api/handoffs/{chat}/claim")
    started = alex.post(f"/api/handoffs/{chat}/typing", json={"typing": True})
    stopped = alex.post(f"/api/handoffs/{chat}/typing", json={"typing": False})
    assert started.status_code == stopped.status_code == 204
    assert typing_calls(rasa) == [
        {"conversation_id": "chat-maya", "name": "Alex Rivera", "typing": True},
        {"conversation_id": "chat-maya", "name": "Alex Rivera", "typing": False},
    ]


def test_nobody_but_the_holder_can_say_they_are_typing_in_a_chat(app, alex, sam, chat, rasa):
    assert TestClient(app).post(f"/api/handoffs/{chat}/typing", json={}).status_code == 401
    assert alex.post(f"/api/handoffs/{chat}/typing", json={}).status_code == 409  # not claimed
    alex.post(f"/api/handoffs/{chat}/claim")
    assert sam.post(f"/api/handoffs/{chat}/typing", json={"typing": True}).status_code == 403
    assert alex.post("/api/handoffs/99999/typing", json={"typing": True}).status_code == 404
    assert typing_calls(rasa) == []


def test_an_unreachable_assistant_is_a_503_not_a_silent_success(alex, chat, rasa):
    alex.post(f"/api/handoffs/{chat}/claim")
    rasa.down = True
    answer = alex.post(f"/api/handoffs/{chat}/typing", json={"typing": True})
    assert answer.status_code == 503 and answer.json()["detail"]


def test_the_console_sees_which_customers_are_typing_now(app, alex, chat, demo_db):
    assert alex.get("/api/typing").json() == []
    CustomerTyping(demo_db).note("chat-maya", utcnow())
    [signal] = alex.get("/api/typing").json()
    assert signal["handoff_id"] == chat


def test_the_stream_tells_each_typing_signal_once(app, chat, demo_db):
    feed = CustomerTypingFeed(app.state.kefu)
    typing = CustomerTyping(demo_db)
    assert run_async(feed.messages(0.0)) == []
    typing.note("chat-maya", utcnow() - timedelta(seconds=3))
    [message] = run_async(feed.messages(1.0))
    assert message.startswith("event: typing\n") and f'"handoff_id": {chat}' in message
    assert "\nid:" not in message  # the events cursor stays where it is
    assert run_async(feed.messages(2.0)) == []  # the same signal again: nothing new
    typing.note("chat-maya", utcnow())
    assert len(run_async(feed.messages(3.0))) == 1
