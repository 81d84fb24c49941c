"""The admin's API (webapp/routers/admin.py): agents, teams and routing rules,
changed through the same service functions as the `./kefu` commands; anyone but
an admin is refused every route."""

import pytest

from helpdesk.agent_presence import ADMIN, AgentPresence
from helpdesk.agents import AgentAccounts
from helpdesk.handoffs.teams import ChatFacts, Teams
from tests.conftest import OPEN_HOURS
from tests.webapp.agents_app import ALEX

NEW_AGENT = {"email": "ana@brightwave.example", "name": "Ana Lima", "password": "ana password 12"}


@pytest.fixture
def admin(app, alex, demo_db):
    AgentPresence(demo_db).set_role(ALEX[0], ADMIN)
    return alex


def test_an_admin_creates_an_agent_who_can_sign_in_and_sets_role_and_capacity(admin, demo_db):
    made = admin.post("/api/admin/agents", json=NEW_AGENT)
    assert made.status_code == 201, made.text
    assert (made.json()["role"], made.json()["status"]) == ("agent", "offline")
    changed = admin.patch(
        "/api/admin/agents/ana@brightwave.example", json={"role": "admin", "capacity": 5}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["role"], changed.json()["capacity"]) == ("admin", 5)
    signed_in = AgentAccounts(demo_db).sign_in(
        NEW_AGENT["email"], NEW_AGENT["password"], OPEN_HOURS
    )
    assert signed_in.agent.role == "admin"
    listed = {a["email"]: a for a in admin.get("/api/admin/agents").json()}
    assert listed["ana@brightwave.example"]["capacity"] == 5


def test_a_deactivated_agent_can_no_longer_sign_in(admin, demo_db):
    admin.post("/api/admin/agents", json=NEW_AGENT)
    assert admin.delete("/api/admin/agents/ana@brightwave.example").status_code == 204
    assert "ana@brightwave.example" not in [
        a["email"] for a in admin.get("/api/admin/agents").json()
    ]
    login = admin.post(
        "/api/agent/login", json={"email": NEW_AGENT["email"], "password": NEW_AGENT["password"]}
    )
    assert login.status_code == 401


def test_bad_agent_details_and_changing_oneself_are_refused_with_the_reason(admin):
    short = admin.post("/api/admin/agents", json={**NEW_AGENT, "password": "short"})
    assert short.status_code == 422 and "at least 10 characters" in short.json()["detail"]
    admin.post("/api/admin/agents", json=NEW_AGENT)
    twice = admin.post("/api/admin/agents", json=NEW_AGENT)
    assert twice.status_code == 422 and "already" in twice.json()["detail"]
    too_many = admin.patch("/api/admin/agents/ana@brightwave.example", json={"capacity": 99})
    assert too_many.status_code == 422 and "0 to 50" in too_many.json()["detail"]
    nobody = admin.patch("/api/admin/agents/nobody@brightwave.example", json={"capacity": 2})
    assert nobody.status_code == 422 and "no agent" in nobody.json()["detail"]
    demote_me = admin.patch(f"/api/admin/agents/{ALEX[0]}", json={"role": "agent"})
    assert demote_me.status_code == 422 and "your own" in demote_me.json()["detail"]
    assert admin.delete(f"/api/admin/agents/{ALEX[0]}").status_code == 422
    assert admin.get("/api/admin/agents").status_code == 200  # still an admin


def test_an_admin_builds_a_team_and_routes_chats_to_it_in_order(admin, demo_db):
    assert (
        admin.post("/api/admin/teams", json={"key": "billing", "name": "Billing"}).status_code
        == 201
    )
    member = admin.put("/api/admin/teams/billing/members/sam@brightwave.example")
    assert member.status_code == 200 and member.json()["members"] == ["sam@brightwave.example"]
    first = admin.post("/api/admin/routing-rules", json={"team": "billing", "category": "billing"})
    second = admin.post("/api/admin/routing-rules", json={"team": "billing", "language": "zh"})
    assert first.status_code == second.status_code == 201
    listed = admin.get("/api/admin/routing-rules").json()
    assert [r["id"] for r in listed] == [first.json()["id"], second.json()["id"]]
    assert listed[0]["position"] < listed[1]["position"]
    teams = Teams(demo_db)
    assert teams.team_for(ChatFacts("customer_request", "billing", None, None)) == "billing"
    assert admin.delete(f"/api/admin/routing-rules/{first.json()['id']}").status_code == 204
    assert teams.team_for(ChatFacts("customer_request", "billing", None, None)) is None
    left = admin.delete("/api/admin/teams/billing/members/sam@brightwave.example")
    assert left.status_code == 200 and left.json()["members"] == []


def test_a_team_or_rule_that_cannot_be_made_is_refused_with_the_reason(admin):
    bad_key = admin.post("/api/admin/teams", json={"key": "Big Team!", "name": "Big"})
    assert bad_key.status_code == 422 and "not a team key" in bad_key.json()["detail"]
    empty = admin.post("/api/admin/routing-rules", json={"team": "billing", "tier": "premier"})
    assert empty.status_code == 422 and "no team" in empty.json()["detail"]
    admin.post("/api/admin/teams", json={"key": "billing", "name": "Billing"})
    nothing = admin.post("/api/admin/routing-rules", json={"team": "billing"})
    assert nothing.status_code == 422 and "at least one" in nothing.json()["detail"]
    assert admin.delete("/api/admin/routing-rules/4242").status_code == 422


ADMIN_CALLS = [
    ("GET", "/api/admin/agents", None),
    ("POST", "/api/admin/agents", NEW_AGENT),
    ("PATCH", f"/api/admin/agents/{ALEX[0]}", {"role": "agent"}),
    ("DELETE", f"/api/admin/agents/{ALEX[0]}", None),
    ("GET", "/api/admin/teams", None),
    ("POST", "/api/admin/teams", {"key": "billing", "name": "Billing"}),
    ("PUT", "/api/admin/teams/billing/members/sam@brightwave.example", None),
    ("DELETE", "/api/admin/teams/billing/members/sam@brightwave.example", None),
    ("GET", "/api/admin/routing-rules", None),
    ("POST", "/api/admin/routing-rules", {"team": "billing", "category": "billing"}),
    ("DELETE", "/api/admin/routing-rules/1", None),
]


def test_an_agent_who_is_not_an_admin_is_refused_every_admin_route(sam, demo_db):
    Teams(demo_db).create("billing", "Billing")
    for method, path, body in ADMIN_CALLS:
        response = sam.request(method, path, json=body)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["detail"] == "Only an admin can do this."
    assert AgentAccounts(demo_db).find(NEW_AGENT["email"]) is None
    assert Teams(demo_db).rules() == []
    assert AgentAccounts(demo_db).find(ALEX[0]) is not None


def test_an_admin_made_an_agent_again_loses_the_admin_routes_at_once(admin, demo_db):
    assert admin.get("/api/admin/agents").status_code == 200
    AgentPresence(demo_db).set_role(ALEX[0], "agent")
    assert admin.get("/api/admin/agents").status_code == 403


def test_the_admin_routes_need_a_signed_in_agent(app):
    from fastapi.testclient import TestClient

    assert TestClient(app).get("/api/admin/agents").status_code == 401
