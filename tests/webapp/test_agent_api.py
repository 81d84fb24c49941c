"""The agents' helpdesk API through FastAPI's test client against a real SQLite
database. The Rasa server's HTTP API (a separate process) is stood in for by
httpx's MockTransport, which records what the web app asks Rasa to deliver; the
real servers are exercised in tests/system/test_handoff_loop.py and the browser
tests."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from helpdesk.models import utcnow
from tests.conftest import OPEN_HOURS, queue_chat, run_async
from tests.webapp.agents_app import ALEX, sign_in
from webapp.agent_auth import SESSION_COOKIE
from webapp.sweeper import sweep_once


@pytest.fixture
def chat(conversations):
    return queue_chat(conversations)


# --- signing in ----------------------------------------------------------------------


def test_every_agent_endpoint_refuses_a_caller_who_is_not_signed_in(app):
    client = TestClient(app)
    checked = 0
    for route in app.routes:
        path = getattr(route, "path", "")
        public = ("/api/widget", "/api/demo", "/api/agent/login")
        if not path.startswith("/api/") or path.startswith(public):
            continue
        url = (
            path.replace("{handoff_id}", "1")
            .replace("{ref}", "T-00001")
            .replace("{customer_id}", "C1001")
        )
        for method in route.methods - {"HEAD"}:
            response = client.request(method, url, json={"text": "hi", "status": "open"})
            assert response.status_code == 401, (method, url, response.text)
            checked += 1
    assert checked >= 18


def test_the_console_page_sends_a_visitor_who_is_not_signed_in_to_the_login_page(app):
    response = TestClient(app).get("/console", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/console/login")


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(app):
    client = TestClient(app)
    wrong = client.post("/api/agent/login", json={"email": ALEX[0], "password": "nope nope nope"})
    unknown = client.post("/api/agent/login", json={"email": "who@x.example", "password": ALEX[2]})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]
    assert SESSION_COOKIE not in client.cookies


def test_repeated_wrong_passwords_lock_the_account_with_a_clear_message(app):
    client = TestClient(app)
    for _ in range(5):
        client.post("/api/agent/login", json={"email": ALEX[0], "password": "wrong password"})
    locked = client.post("/api/agent/login", json={"email": ALEX[0], "password": ALEX[2]})
    assert locked.status_code == 429 and "try again in 15 minutes" in locked.json()["detail"]


def test_signing_in_sets_an_http_only_strict_cookie_and_returns_a_bearer_token(app):
    response = TestClient(app).post(
        "/api/agent/login", json={"email": ALEX[0], "password": ALEX[2]}
    )
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    token = response.json()["token"]
    me = TestClient(app).get("/api/agent/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["name"] == "Alex Rivera"


def test_an_expired_session_is_refused_and_says_so(app, alex):
    state = app.state.kefu
    state.clock = lambda: utcnow() + timedelta(hours=state.settings.agent_session_hours, minutes=1)
    response = alex.get("/api/queue")
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_signing_out_ends_the_session(alex):
    assert alex.post("/api/agent/logout").status_code == 204
    assert alex.get("/api/queue").status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"email": "a@b.example"},
        {"email": "", "password": ""},
        {"email": ["x"], "password": "y"},
    ],
)
def test_a_malformed_login_is_a_422(app, body):
    assert TestClient(app).post("/api/agent/login", json=body).status_code == 422


# --- the queue and one chat ----------------------------------------------------------


def test_the_queue_shows_waiting_chats_with_the_tiers_pickup_timer(app, chat):
    app.state.kefu.clock = lambda: OPEN_HOURS + timedelta(minutes=1)
    alex = sign_in(app)
    [item] = alex.get("/api/queue").json()
    assert (item["id"], item["status"], item["customer_name"], item["tier"]) == (
        chat,
        "waiting",
        "Maya Thompson",
        "premier",
    )
    assert (item["waiting_seconds"], item["pickup_overdue"]) == (60, False)
    app.state.kefu.clock = lambda: OPEN_HOURS + timedelta(minutes=3)  # premier: 2 minutes
    assert alex.get("/api/queue").json()[0]["pickup_overdue"]


def test_a_chat_shows_transcript_reason_details_summary_and_customer_record(alex, chat):
    data = alex.get(f"/api/handoffs/{chat}").json()
    assert (
        data["transcript"][1]["intent"] == "request_human"
        and data["transcript"][1]["confidence"] == 0.97
    )
    assert data["handoff"]["reason_text"] == "The customer asked for a person"
    assert data["collected"]["order_id"] == "BW-104119"
    assert data["summary"].startswith("Maya Thompson")
    record = data["customer"]
    assert record["customer"]["email"] == "maya.thompson@example.com"
    assert {o["id"] for o in record["orders"]} == {"BW-104101", "BW-104119", "BW-104138"}
    assert [t["ref"] for t in record["tickets"]] == ["T-00001"]
    assert data["events"][0]["kind"] == "escalated"


def test_an_unknown_chat_is_a_404_and_a_silly_id_a_422(alex):
    assert alex.get("/api/handoffs/999").status_code == 404
    assert alex.get("/api/handoffs/abc").status_code == 422
    assert alex.get("/api/handoffs/99999999999999999999").status_code == 422


# --- the handoff state machine -------------------------------------------------------


def test_claiming_tells_the_customer_a_named_person_joined(alex, chat, rasa):
    response = alex.post(f"/api/handoffs/{chat}/claim")
    assert response.status_code == 200 and response.json()["delivered"]
    assert response.json()["handoff"]["agent_name"] == "Alex Rivera"
    path, events = rasa.calls[-1]
    assert path == "/conversations/chat-maya/tracker/events"
    assert events[0]["text"] == "Alex Rivera from our support team has joined the chat."
    assert events[0]["metadata"]["handoff"] == {"status": "active", "agent_name": "Alex Rivera"}


def test_a_chat_claimed_by_one_agent_cannot_be_claimed_by_another(alex, sam, chat):
    alex.post(f"/api/handoffs/{chat}/claim")
    again = sam.post(f"/api/handoffs/{chat}/claim")
    assert again.status_code == 409 and "Alex Rivera already holds" in again.json()["detail"]
    assert alex.post(f"/api/handoffs/{chat}/claim").status_code == 409


def test_a_reply_reaches_the_customer_marked_as_the_agents(alex, chat, rasa):
    alex.post(f"/api/handoffs/{chat}/claim")
    response = alex.post(f"/api/handoffs/{chat}/reply", json={"text": "Hi Maya, I'm on it."})
    assert response.status_code == 200 and response.json()["kind"] == "agent_message"
    sent = rasa.calls[-1][1][0]
    assert sent["text"] == "Hi Maya, I'm on it."
    assert sent["metadata"] == {"sender": "agent", "agent_name": "Alex Rivera", "handoff_id": chat}


def test_only_the_agent_holding_the_chat_may_reply(alex, sam, chat, rasa):
    before = alex.post(f"/api/handoffs/{chat}/reply", json={"text": "too early"})
    assert before.status_code == 409 and "claim it first" in before.json()["detail"]
    alex.post(f"/api/handoffs/{chat}/claim")
    other = sam.post(f"/api/handoffs/{chat}/reply", json={"text": "I'm not holding it"})
    assert other.status_code == 403 and "Alex Rivera holds this chat" in other.json()["detail"]
    assert "I'm not holding it" not in rasa.bot_texts()


def test_a_reply_that_cannot_be_delivered_is_reported_and_not_recorded(alex, chat, rasa):
    alex.post(f"/api/handoffs/{chat}/claim")
    rasa.down = True
    response = alex.post(f"/api/handoffs/{chat}/reply", json={"text": "lost?"})
    assert response.status_code == 503 and "could not be delivered" in response.json()["detail"]
    events = alex.get(f"/api/handoffs/{chat}").json()["events"]
    assert "lost?" not in [e["body"] for e in events]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"text": ""},
        {"text": "   \n "},
        {"text": "x" * 4001},
        {"text": None},
        {"message": "wrong field"},
        ["a list"],
        "not json",
    ],
)
def test_bad_reply_bodies_get_a_clear_422(alex, chat, body):
    alex.post(f"/api/handoffs/{chat}/claim")
    if isinstance(body, str):
        response = alex.post(
            f"/api/handoffs/{chat}/reply",
            content=body,
            headers={"Content-Type": "application/json"},
        )
    else:
        response = alex.post(f"/api/handoffs/{chat}/reply", json=body)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_a_note_is_internal_and_never_sent_to_the_customer(alex, sam, chat, rasa):
    alex.post(f"/api/handoffs/{chat}/claim")
    response = sam.post(
        f"/api/handoffs/{chat}/notes", json={"text": "VIP, be quick <script>x</script>"}
    )
    assert response.status_code == 201 and response.json()["internal"]
    assert "VIP" not in " ".join(rasa.bot_texts())
    assert alex.post("/api/handoffs/999/notes", json={"text": "x"}).status_code == 404


def test_resolving_lets_the_bot_ask_the_customer_for_a_rating(alex, chat, rasa):
    alex.post(f"/api/handoffs/{chat}/claim")
    response = alex.post(f"/api/handoffs/{chat}/resolve")
    assert response.status_code == 200 and response.json()["handoff"]["status"] == "resolved"
    paths = [path for path, _ in rasa.calls[-4:]]
    assert paths == [
        "/conversations/chat-maya/tracker/events",
        "/webhooks/socketio/pause",  # Rasa lifts its own pause (kefu_rasa/pause.py)
        "/conversations/chat-maya/execute",
        "/conversations/chat-maya/tracker/events",
    ]
    assert [e["event"] for e in rasa.calls[-4][1]] == ["bot"]
    assert rasa.calls[-3][1] == {"conversation_id": "chat-maya"}
    assert rasa.calls[-2][1] == {"name": "csat_form"}
    assert alex.post(f"/api/handoffs/{chat}/resolve").status_code == 409


def test_handing_back_resumes_the_bot_and_tells_the_customer(alex, chat, rasa):
    alex.post(f"/api/handoffs/{chat}/claim")
    response = alex.post(f"/api/handoffs/{chat}/hand-back")
    assert response.json()["handoff"]["status"] == "returned"
    (told, events), (lift, conversation) = rasa.calls[-2:]
    assert "handed you back" in events[0]["text"] and [e["event"] for e in events] == ["bot"]
    assert (lift, conversation) == ("/webhooks/socketio/pause", {"conversation_id": "chat-maya"})
    assert alex.get("/api/queue").json() == []


def test_converting_opens_a_ticket_with_the_whole_conversation(alex, chat, rasa):
    alex.post(f"/api/handoffs/{chat}/claim")
    alex.post(f"/api/handoffs/{chat}/reply", json={"text": "Let me check with the warehouse."})
    response = alex.post(f"/api/handoffs/{chat}/convert")
    ticket = response.json()["ticket"]
    assert ticket["customer_id"] == "C1001" and ticket["order_id"] == "BW-104119"
    assert ticket["ref"] in rasa.bot_texts()[-1]
    assert "My TV arrived broken" in alex.get(f"/api/tickets/{ticket['ref']}").json()["description"]


def test_closing_actions_on_someone_elses_chat_are_refused(alex, sam, chat):
    alex.post(f"/api/handoffs/{chat}/claim")
    for action in ("resolve", "hand-back", "convert"):
        assert sam.post(f"/api/handoffs/{chat}/{action}").status_code == 403


def test_a_change_is_still_made_when_the_customer_cannot_be_told(alex, chat, rasa):
    rasa.down = True
    response = alex.post(f"/api/handoffs/{chat}/claim")
    assert response.status_code == 200 and response.json()["delivered"] is False


def test_new_events_can_be_polled_from_a_cursor(alex, chat):
    cursor = alex.get(f"/api/handoffs/{chat}").json()["last_event_id"]
    alex.post(f"/api/handoffs/{chat}/claim")
    alex.post(f"/api/handoffs/{chat}/notes", json={"text": "looking"})
    events = alex.get("/api/events", params={"after": cursor}).json()
    assert [e["kind"] for e in events] == ["claimed", "note"]
    assert alex.get("/api/events", params={"after": -1}).status_code == 422


# --- tickets and customers -----------------------------------------------------------


def test_tickets_can_be_listed_read_updated_and_commented(alex):
    listed = alex.get("/api/tickets", params={"status": "open"}).json()
    assert listed and all(t["status"] == "open" for t in listed)
    assert alex.get("/api/tickets/T-00001").json()["customer_id"] == "C1001"
    assert (
        alex.patch("/api/tickets/T-00001", json={"status": "pending"}).json()["status"] == "pending"
    )
    commented = alex.post(
        "/api/tickets/1/comments", json={"text": "Refund issued", "internal": True}
    ).json()
    assert commented["comments"][-1] == {
        **commented["comments"][-1],
        "author_name": "Alex Rivera",
        "internal": True,
    }


@pytest.mark.parametrize(
    "method, url, body, status",
    [
        ("GET", "/api/tickets/T-99999", None, 404),
        ("GET", "/api/tickets/not-a-ticket", None, 404),
        ("GET", "/api/tickets?status=burning", None, 422),
        ("GET", "/api/tickets?limit=100000", None, 422),
        ("PATCH", "/api/tickets/T-00001", {"status": "deleted"}, 422),
        ("PATCH", "/api/tickets/T-99999", {"status": "open"}, 404),
        ("POST", "/api/tickets/T-00001/comments", {"text": ""}, 422),
        ("POST", "/api/tickets/T-99999/comments", {"text": "hello"}, 404),
        ("GET", "/api/customers/C9999", None, 404),
        ("GET", "/api/customers?q=" + "x" * 300, None, 422),
    ],
)
def test_bad_ticket_and_customer_requests_get_clear_errors(alex, method, url, body, status):
    response = alex.request(method, url, json=body)
    assert response.status_code == status and response.json()["detail"]


def test_customers_can_be_searched_and_read_with_orders_tickets_and_value(alex):
    assert [c["id"] for c in alex.get("/api/customers", params={"q": "maya"}).json()] == ["C1001"]
    record = alex.get("/api/customers/C1001").json()
    assert record["order_count"] == 3 and record["lifecycle_stage"] == "active"
    assert {m["currency"] for m in record["spend_by_currency"]} == {"CAD", "USD"}
    assert (record["lifetime_spend"], record["currency"]) == (
        "2257.98",
        "CAD",
    )  # exact, not a float
    assert record["orders"][0]["total"] in ("1148.00", "198.00", "2257.98")


def test_the_database_being_down_is_a_503_not_a_crash(app, alex):
    db = app.state.kefu.db
    db.dispose()
    db.url = "postgresql://nobody@127.0.0.1:9/none"  # nothing listens there
    for url in ("/api/agent/me", "/api/queue", "/api/tickets", "/api/customers/C1001"):
        response = alex.get(url)
        assert response.status_code == 503 and "not reachable" in response.json()["detail"], url


def test_the_openapi_document_describes_the_agents_api(app):
    paths = TestClient(app).get("/openapi.json").json()["paths"]
    for path in (
        "/api/queue",
        "/api/handoffs/{handoff_id}/claim",
        "/api/handoffs/{handoff_id}/reply",
        "/api/handoffs/{handoff_id}/notes",
        "/api/handoffs/{handoff_id}/resolve",
        "/api/handoffs/{handoff_id}/hand-back",
        "/api/handoffs/{handoff_id}/convert",
        "/api/tickets",
        "/api/tickets/{ref}",
        "/api/tickets/{ref}/comments",
        "/api/customers",
        "/api/customers/{customer_id}",
    ):
        assert path in paths, path


def test_an_unclaimed_chat_becomes_a_ticket_and_the_customer_is_told_when_to_expect_an_answer(
    app, chat, rasa
):
    state = app.state.kefu
    state.clock = lambda: (
        OPEN_HOURS + timedelta(minutes=state.settings.handoff_claim_timeout_minutes - 1)
    )
    assert run_async(sweep_once(state)) == 0
    state.clock = lambda: (
        OPEN_HOURS + timedelta(minutes=state.settings.handoff_claim_timeout_minutes + 1)
    )
    assert run_async(sweep_once(state)) == 1
    told = rasa.bot_texts()[-1]
    assert "opened ticket T-" in told and "a person will answer by" in told
    assert rasa.calls[-1] == ("/webhooks/socketio/pause", {"conversation_id": "chat-maya"})


def test_claiming_tells_the_customer_now_at_the_head_of_the_queue(alex, chat, conversations, rasa):
    queue_chat(conversations, "chat-daniel", customer_id="C1002", priority=2)
    alex.post(f"/api/handoffs/{chat}/claim")
    path, events = rasa.calls[-1]
    assert path == "/conversations/chat-daniel/tracker/events"
    assert "you're next in the queue" in events[0]["text"]


# --- languages ----------------------------------------------------------------------


def _chinese_chat(conversations, conversation_id="chat-zh"):
    from helpdesk.conversation_records import NewHandoff

    return conversations.create_handoff(
        NewHandoff(
            conversation_id=conversation_id,
            reason="customer_request",
            transcript=[{"role": "customer", "text": "我的电视坏了，转人工"}],
            collected={"order_id": "BW-104119"},
            customer_id="C1001",
            identity_method="token",
            created_at=OPEN_HOURS,
            language="zh",
        )
    ).id


def test_the_queue_and_a_chat_say_which_language_the_customer_writes_in(alex, chat, conversations):
    chinese = _chinese_chat(conversations)
    languages = {item["id"]: item["language"] for item in alex.get("/api/queue").json()}
    assert languages == {chat: "en", chinese: "zh"}
    assert alex.get(f"/api/handoffs/{chinese}").json()["handoff"]["language"] == "zh"


def test_claiming_a_chinese_chat_tells_the_customer_in_chinese(alex, conversations, rasa):
    chinese = _chinese_chat(conversations)
    assert alex.post(f"/api/handoffs/{chinese}/claim").status_code == 200
    path, events = rasa.calls[-1]
    assert path == "/conversations/chat-zh/tracker/events"
    assert events[0]["text"] == "客服专员 Alex Rivera 已加入对话，很高兴为您服务。"


def test_a_chinese_chats_summary_is_in_the_consoles_language_unless_it_asks_for_another(
    alex, conversations
):
    chinese = _chinese_chat(conversations)
    default = alex.get(f"/api/handoffs/{chinese}").json()
    assert default["summary"].startswith(
        "Maya Thompson (Premier customer, signed in on the website)."
    )
    assert default["handoff"]["reason_text"] == "The customer asked for a person"
    asked = alex.get(f"/api/handoffs/{chinese}", params={"language": "zh"}).json()
    assert asked["summary"].startswith("Maya Thompson（Premier 会员，已在网站登录）。")
    record = alex.get("/api/customers/C1001", params={"language": "zh"}).json()
    assert record["churn_reasons"] == ["1 张未结工单"]


def test_the_apis_refusals_read_exactly_as_they_always_did(alex, sam, chat, app):
    assert alex.get("/api/handoffs/999").json()["detail"] == "There is no chat with id 999."
    assert alex.post(f"/api/handoffs/{chat}/resolve").json()["detail"] == (
        "Nobody holds this chat yet: claim it first."
    )
    assert alex.get("/api/tickets/T-99999").json()["detail"] == "There is no ticket T-99999."
    assert alex.get("/api/tickets/nope").json()["detail"] == (
        "'nope' is not a ticket number (like T-00042)."
    )
    assert alex.get("/api/customers/C9999").json()["detail"] == "There is no customer with that id."
    assert TestClient(app).get("/api/queue").json()["detail"] == (
        "Please sign in to the agent console first."
    )
