"""Agents' status through the API, and the sweeper giving waiting chats to agents
who are online (webapp/routers/presence.py, webapp/sweeper.py)."""

from datetime import datetime, timedelta, timezone

from fastapi.testclient import TestClient

from tests.conftest import OPEN_HOURS, queue_chat, run_async
from webapp.sweeper import sweep_once


def _statuses(client):
    response = client.get("/api/agents")
    assert response.status_code == 200, response.text
    assert all("@" in agent["email"] for agent in response.json())
    return {agent["name"]: agent["status"] for agent in response.json()}


def test_an_agent_chooses_a_status_and_every_agent_sees_it(app, alex, sam):
    app.state.kefu.clock = lambda: OPEN_HOURS
    assert _statuses(sam)["Alex Rivera"] == "offline"
    assert alex.put("/api/agent/status", json={"status": "online"}).status_code == 204
    assert _statuses(sam)["Alex Rivera"] == "online"
    assert alex.put("/api/agent/status", json={"status": "away"}).status_code == 204
    assert _statuses(sam)["Alex Rivera"] == "away"


def test_a_status_that_does_not_exist_is_refused_with_a_clear_message(alex):
    response = alex.put("/api/agent/status", json={"status": "busy"})
    assert response.status_code == 422
    assert "online, away or offline" in response.json()["detail"]


def test_an_idle_console_turns_its_agent_away_and_activity_brings_them_back(app, alex, sam):
    state = app.state.kefu
    state.clock = lambda: OPEN_HOURS
    alex.put("/api/agent/status", json={"status": "online"})
    state.clock = lambda: OPEN_HOURS + timedelta(minutes=state.settings.agent_away_minutes + 1)
    assert _statuses(sam)["Alex Rivera"] == "away"
    assert alex.post("/api/agent/activity").status_code == 204
    assert _statuses(sam)["Alex Rivera"] == "online"


def test_signing_out_makes_an_agent_offline(app, alex, sam):
    app.state.kefu.clock = lambda: OPEN_HOURS
    alex.put("/api/agent/status", json={"status": "online"})
    alex.post("/api/agent/logout")
    assert _statuses(sam)["Alex Rivera"] == "offline"


def test_the_sweeper_gives_a_waiting_chat_to_the_online_agent_and_tells_the_customer(
    app, alex, conversations, rasa
):
    state = app.state.kefu
    state.clock = lambda: OPEN_HOURS
    alex.put("/api/agent/status", json={"status": "online"})
    chat = queue_chat(conversations)
    run_async(sweep_once(state))
    [entry] = [e for e in alex.get("/api/queue").json() if e["id"] == chat]
    assert (entry["status"], entry["agent_name"]) == ("active", "Alex Rivera")
    assert any("Alex Rivera" in text and "joined" in text for text in rasa.bot_texts())


def test_nobody_is_assigned_a_chat_while_every_agent_is_offline(app, alex, conversations):
    state = app.state.kefu
    state.clock = lambda: OPEN_HOURS
    chat = queue_chat(conversations)
    run_async(sweep_once(state))
    [entry] = [e for e in alex.get("/api/queue").json() if e["id"] == chat]
    assert entry["status"] == "waiting"


def test_an_agent_passes_a_chat_to_a_colleague_who_can_then_reply(
    app, alex, sam, conversations, rasa
):
    chat = queue_chat(conversations)
    alex.post(f"/api/handoffs/{chat}/claim")
    moved = alex.post(
        f"/api/handoffs/{chat}/transfer",
        json={"agent_email": "sam@brightwave.example", "note": "needs a refund decision"},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["handoff"]["agent_name"] == "Sam <b>Lee</b>"
    assert sam.post(f"/api/handoffs/{chat}/reply", json={"text": "Hi, Sam here"}).status_code == 200
    assert alex.post(f"/api/handoffs/{chat}/reply", json={"text": "me too"}).status_code == 403


def test_a_transfer_that_names_nobody_is_refused_with_a_clear_message(alex, conversations):
    chat = queue_chat(conversations)
    alex.post(f"/api/handoffs/{chat}/claim")
    refused = alex.post(f"/api/handoffs/{chat}/transfer", json={"note": "?"})
    assert refused.status_code == 409 and "agent or a team" in refused.json()["detail"]


def test_agents_see_the_teams_they_can_pass_a_chat_to(app, alex):
    from helpdesk.handoffs.teams import Teams

    teams = Teams(app.state.kefu.db)
    teams.create("billing", "Billing")
    teams.add_member("billing", "sam@brightwave.example")
    assert alex.get("/api/teams").json() == [
        {"key": "billing", "name": "Billing", "members": ["sam@brightwave.example"]}
    ]


def test_an_agent_searches_tickets_chats_and_customers_from_the_console(alex, conversations):
    chat = queue_chat(conversations, customer_text="my espresso machine leaks <b>water</b>")
    hits = alex.get("/api/search", params={"q": "espresso leaks"}).json()
    assert [(h["kind"], h["ref"]) for h in hits] == [("chat", str(chat))]
    assert "<b>water</b>" in hits[0]["snippet"]  # text as typed; the console escapes it
    assert alex.get("/api/search", params={"q": "x" * 201}).status_code == 422


def test_the_queue_learns_whether_support_is_open_until_when_or_when_it_opens(app, alex):
    state = app.state.kefu
    state.clock = lambda: OPEN_HOURS  # a Tuesday, 3 pm Eastern
    hours = alex.get("/api/support-hours").json()
    assert hours["open"] is True and hours["opens_at"] is None
    assert hours["closes_at"].startswith("2026-11-24T20:00:00-05:00")  # 8 pm Eastern
    # Thanksgiving (a US holiday) at noon: closed until Friday morning.
    state.clock = lambda: datetime(2026, 11, 26, 17, 0, tzinfo=timezone.utc)
    hours = alex.get("/api/support-hours").json()
    assert hours["open"] is False and hours["closes_at"] is None
    assert hours["opens_at"].startswith("2026-11-27T08:00:00-05:00")


def test_support_hours_need_a_signed_in_agent(app):
    assert TestClient(app).get("/api/support-hours").status_code == 401
