"""Typing through Kefu's socket.io channel, with its real handlers and route: the
web app's call that the agent is typing (only with the token of Rasa's HTTP API)
reaches the customer's room, and a widget's typing is recorded for the session its
socket proved it holds, never for one it merely names."""

from types import SimpleNamespace

import pytest

from helpdesk.config import Settings
from helpdesk.conversation_records import ConversationRecords
from helpdesk.models import Handoff
from kefu_rasa import handoff_guard
from kefu_rasa import socketio as channel_module
from kefu_rasa.socketio import KefuSocketIOInput, relay_agent_typing
from tests.conftest import queue_chat, run_async

TOKEN = "the-rasa-token"


class RecordingServer:
    """Stands in for the socket.io server's sending side: what was emitted where."""

    def __init__(self) -> None:
        self.emitted = []

    async def emit(self, event, data, room=None, namespace=None):
        self.emitted.append((event, data, room))


@pytest.fixture
def channel(monkeypatch, demo_db):
    settings = Settings(database_url=demo_db.url, rasa_token=TOKEN, session_secret="s" * 32)
    monkeypatch.setattr(channel_module, "settings", lambda: settings)
    monkeypatch.setattr(handoff_guard, "_records", ConversationRecords(demo_db))
    channel = KefuSocketIOInput.from_credentials({"session_persistence": True})

    async def on_new_message(message):
        raise AssertionError("typing is not a message")

    blueprint = channel.blueprint(on_new_message)
    sent = RecordingServer()
    monkeypatch.setattr(channel.sio, "emit", sent.emit)
    monkeypatch.setattr(channel.sio, "enter_room", lambda sid, room, namespace=None: None)
    monkeypatch.setattr(channel.sio, "leave_room", lambda sid, room, namespace=None: None)
    handlers = channel.sio.handlers["/"]
    [route] = [r for r in blueprint._future_routes if r.uri == "/typing"]
    return SimpleNamespace(handlers=handlers, sent=sent, typing_route=route.handler)


def call(channel, event, *args):
    return run_async(channel.handlers[event](*args))


def confirmed_session(channel, sid, request):
    call(channel, "connect", sid, {})
    call(channel, "session_request", sid, request)
    return [data for event, data, room in channel.sent.emitted if room == sid][-1]


def post_typing(channel, token, body):
    request = SimpleNamespace(args={"token": token} if token else {}, json=body)
    return run_async(channel.typing_route(request)).status


def test_the_agents_typing_reaches_the_customers_room_only_with_the_token(channel):
    body = {"conversation_id": "conv-1", "name": "Sam Lee", "typing": True}
    assert post_typing(channel, None, body) == 401
    assert post_typing(channel, "a guess", body) == 401
    assert channel.sent.emitted == []
    assert post_typing(channel, TOKEN, body) == 204
    assert channel.sent.emitted == [("agent_typing", {"name": "Sam Lee", "typing": True}, "conv-1")]
    assert post_typing(channel, TOKEN, {"conversation_id": "conv-1", "typing": "yes"}) == 400


def test_without_a_configured_token_nobody_may_emit_typing():
    sent = RecordingServer()
    body = {"conversation_id": "conv-1", "name": "Sam", "typing": True}
    assert run_async(relay_agent_typing(sent, "", "", body, None)) == 401
    assert sent.emitted == []


def test_a_socket_marks_typing_only_in_the_chat_whose_secret_it_holds(channel, conversations, demo_db):
    customer = confirmed_session(channel, "customer-socket", {})
    chat = queue_chat(conversations, conversation_id=customer["session_id"])
    # Another socket names the customer's session with a wrong secret: it is given
    # a session of its own, and typing there touches nobody's chat.
    other = confirmed_session(
        channel, "other-socket", {"session_id": customer["session_id"], "session_secret": "x" * 64}
    )
    assert other["session_id"] != customer["session_id"]
    call(channel, "user_typing", "other-socket", {"session_id": customer["session_id"]})
    call(channel, "connect", "no-session-socket", {})
    call(channel, "user_typing", "no-session-socket", {"session_id": customer["session_id"]})
    with demo_db.session() as session:
        assert session.get(Handoff, chat).customer_typing_at is None

    call(channel, "user_typing", "customer-socket")
    with demo_db.session() as session:
        assert session.get(Handoff, chat).customer_typing_at is not None
