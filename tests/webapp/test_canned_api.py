"""Canned replies through the API (webapp/routers/canned.py): every agent lists
them and gets one filled in for the chat they hold; only admins change them."""

import pytest

from helpdesk.agent_presence import ADMIN, AgentPresence
from tests.conftest import queue_chat
from tests.webapp.agents_app import ALEX

NEW_REPLY = {
    "shortcut": "refund-sent",
    "title": "Refund sent",
    "body": "Hi {first_name}, the refund for {order_id} is on its way.",
    "language": "en",
    "team": None,
}


@pytest.fixture
def admin(app, alex, demo_db):
    """Alex, made an admin (the role is read with every request)."""
    AgentPresence(demo_db).set_role(ALEX[0], ADMIN)
    return alex


def _shortcuts(client, **params):
    response = client.get("/api/canned", params=params)
    assert response.status_code == 200, response.text
    return [reply["shortcut"] for reply in response.json()]


def test_every_agent_lists_the_replies_of_a_language_and_searches_them(sam):
    english = _shortcuts(sam, language="en")
    assert "greeting" in english and english == sorted(english)
    assert _shortcuts(sam, language="zh", q="退货") == ["returns"]
    assert _shortcuts(sam, language="en", q="express") == ["shipping"]


def test_the_agent_holding_a_chat_gets_the_reply_filled_from_it(sam, conversations):
    chat = queue_chat(conversations)  # Maya Thompson, about BW-104119
    assert sam.post(f"/api/handoffs/{chat}/claim").status_code == 200
    [checking] = [
        r for r in sam.get("/api/canned?language=en").json() if r["shortcut"] == "checking"
    ]
    rendered = sam.get(f"/api/canned/{checking['id']}/render", params={"handoff_id": chat})
    assert rendered.status_code == 200, rendered.text
    assert rendered.json()["text"].startswith("Thanks, Maya. I'm looking at order BW-104119 now")
    assert rendered.json()["missing"] == []


def test_a_value_the_chat_lacks_is_named_and_left_in_the_text(sam, conversations):
    chat = queue_chat(conversations, "chat-anon", customer_id=None)
    sam.post(f"/api/handoffs/{chat}/claim")
    [greeting] = [
        r for r in sam.get("/api/canned?language=en").json() if r["shortcut"] == "greeting"
    ]
    rendered = sam.get(f"/api/canned/{greeting['id']}/render", params={"handoff_id": chat}).json()
    assert rendered["missing"] == ["first_name"]
    assert rendered["text"].startswith(
        "Hi {first_name}, this is Sam <b>Lee</b> from the Brightwave"
    )


def test_a_chat_another_agent_holds_or_nobody_holds_is_not_rendered(alex, sam, conversations):
    chat = queue_chat(conversations)
    reply_id = sam.get("/api/canned?language=en").json()[0]["id"]
    waiting = sam.get(f"/api/canned/{reply_id}/render", params={"handoff_id": chat})
    assert waiting.status_code == 409
    alex.post(f"/api/handoffs/{chat}/claim")
    refused = sam.get(f"/api/canned/{reply_id}/render", params={"handoff_id": chat})
    assert refused.status_code == 403 and "Alex Rivera" in refused.json()["detail"]
    assert "Maya" not in refused.text
    missing = sam.get("/api/canned/99999/render", params={"handoff_id": chat})
    assert missing.status_code == 403  # the chat is checked before anything is read
    assert sam.get("/api/canned/1/render", params={"handoff_id": 99999}).status_code == 404


def test_an_admin_adds_replaces_and_removes_a_reply(admin):
    made = admin.post("/api/canned", json=NEW_REPLY)
    assert made.status_code == 201, made.text
    reply_id = made.json()["id"]
    changed = admin.put(
        f"/api/canned/{reply_id}", json={**NEW_REPLY, "body": "Refund for {order_id} sent."}
    )
    assert changed.status_code == 200 and changed.json()["body"] == "Refund for {order_id} sent."
    assert admin.delete(f"/api/canned/{reply_id}").status_code == 204
    assert "refund-sent" not in _shortcuts(admin, language="en")
    assert admin.delete(f"/api/canned/{reply_id}").status_code == 404


def test_a_reply_that_cannot_be_saved_is_refused_with_the_reason(admin):
    unknown = admin.post("/api/canned", json={**NEW_REPLY, "body": "Hi {nickname}"})
    assert (
        unknown.status_code == 422 and "{nickname} is not a placeholder" in unknown.json()["detail"]
    )
    taken = admin.post("/api/canned", json={**NEW_REPLY, "shortcut": "greeting"})
    assert taken.status_code == 422 and "already" in taken.json()["detail"]
    no_team = admin.post("/api/canned", json={**NEW_REPLY, "team": "nope"})
    assert no_team.status_code == 422 and "no team" in no_team.json()["detail"]


def test_an_agent_who_is_not_an_admin_is_refused_every_change(sam):
    reply_id = sam.get("/api/canned").json()[0]["id"]
    refusals = [
        sam.post("/api/canned", json=NEW_REPLY),
        sam.put(f"/api/canned/{reply_id}", json=NEW_REPLY),
        sam.delete(f"/api/canned/{reply_id}"),
    ]
    assert [r.status_code for r in refusals] == [403, 403, 403]
    assert all(r.json()["detail"] == "Only an admin can do this." for r in refusals)
    assert "refund-sent" not in _shortcuts(sam)
    assert len(_shortcuts(sam)) == len(sam.get("/api/canned").json())


def test_a_teams_reply_is_offered_to_its_members_and_all_of_them_to_the_admin_view(
    admin, sam, demo_db
):
    from helpdesk.handoffs.teams import Teams

    Teams(demo_db).create("billing", "Billing")
    assert admin.post("/api/canned", json={**NEW_REPLY, "team": "billing"}).status_code == 201
    assert "refund-sent" not in _shortcuts(sam)
    assert "refund-sent" in _shortcuts(sam, every_team="true")
    Teams(demo_db).add_member("billing", "sam@brightwave.example")
    assert "refund-sent" in _shortcuts(sam)


def test_the_placeholders_a_text_may_hold_are_listed_for_the_admin_view(sam):
    listed = sam.get("/api/canned/placeholders").json()
    assert listed[:2] == ["first_name", "customer_name"] and "order_id" in listed
