"""The web app through FastAPI's test client, with a fake Rasa HTTP API served
by httpx's MockTransport standing in for the Rasa server (outside the web app)."""

import httpx
import pytest
from fastapi.testclient import TestClient

from helpdesk.chat_sessions import session_secret_for
from webapp.app import create_app
from webapp.transcripts import chat_messages

EVENTS = [
    {"event": "action", "name": "action_session_start"},
    {"event": "user", "text": "/greet", "metadata": {"silent": True}},
    {
        "event": "bot",
        "text": "Hi! How can I help?",
        "data": {"buttons": [{"title": "Returns policy", "payload": "/ask_faq"}]},
        "metadata": {},
    },
    {"event": "user", "text": "/ask_faq", "metadata": {}},
    {
        "event": "bot",
        "text": "30 days.",
        "data": {},
        "metadata": {"faq_topic": "return-window", "internal_note": "x"},
    },
    {"event": "user", "text": "<img src=x onerror=alert(1)>", "metadata": {"display_text": None}},
    {
        "event": "bot",
        "text": "Hello, I'm Sam.",
        "data": {},
        "metadata": {"sender": "agent", "agent_name": "Sam"},
    },
]


def test_history_shows_button_titles_hides_the_silent_greeting_and_marks_agents():
    messages = chat_messages(EVENTS)
    assert [(m.sender, m.text) for m in messages] == [
        ("bot", "Hi! How can I help?"),
        ("customer", "Returns policy"),
        ("bot", "30 days."),
        ("customer", "<img src=x onerror=alert(1)>"),
        ("agent", "Hello, I'm Sam."),
    ]
    assert messages[2].metadata == {"faq_topic": "return-window"}  # internal keys stay private
    assert messages[4].metadata["agent_name"] == "Sam"


@pytest.fixture
def client(settings, monkeypatch):
    calls = []

    def rasa(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if "unknown" in request.url.path:
            return httpx.Response(404, json={})
        if "down" in request.url.path:
            raise httpx.ConnectError("refused")
        return httpx.Response(200, json={"events": EVENTS})

    transport = httpx.MockTransport(rasa)
    real_client = httpx.AsyncClient
    monkeypatch.setattr(httpx, "AsyncClient", lambda **kw: real_client(transport=transport, **kw))
    app = create_app(settings.with_changes(rasa_token="secret-token", rasa_url="http://rasa.test"))
    with TestClient(app) as test_client:
        test_client.calls = calls
        yield test_client


def history(client, session_id: str, secret=None):
    """GET the history as the widget does, with the session's own secret unless
    another is given."""
    if secret is None:
        secret = session_secret_for(client.app.state.kefu.settings.session_secret, session_id)
    return client.get(
        f"/api/widget/history/{session_id}", headers={"X-Kefu-Session-Secret": secret}
    )


def test_history_is_read_from_rasa_with_the_token(client):
    response = history(client, "0123456789abcdef0123456789abcdef")
    assert response.status_code == 200
    assert len(response.json()["messages"]) == 5
    assert client.calls[0].url.params["token"] == "secret-token"


def test_history_of_an_unknown_session_is_empty(client):
    assert history(client, "unknown0123456789abcdef0123456789").json()["messages"] == []


@pytest.mark.parametrize(
    "secret", ["", "0" * 64, "not even hex", "x" * 5000], ids=["empty", "zeros", "text", "huge"]
)
def test_history_needs_the_secret_issued_with_the_session(client, secret):
    session_id = "0123456789abcdef0123456789abcdef"
    response = history(client, session_id, secret)
    assert response.status_code == 403 and client.calls == []
    assert client.get(f"/api/widget/history/{session_id}").status_code == 403


def test_one_sessions_secret_does_not_open_another_session(client):
    mine = session_secret_for(client.app.state.kefu.settings.session_secret, "a" * 32)
    assert history(client, "b" * 32, mine).status_code == 403


@pytest.mark.parametrize("session_id", ["short", "has%20space", "x" * 200, "..%2F..%2Fetc"])
def test_history_refuses_what_is_not_a_session_id(client, session_id):
    assert history(client, session_id).status_code in (400, 404)
    assert client.calls == []


def test_history_says_when_rasa_is_down(client):
    response = history(client, "down0123456789abcdef0123456789ab")
    assert response.status_code == 503 and "not reachable" in response.json()["detail"]
