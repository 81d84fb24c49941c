"""The agents' API keeps everyone's picture true: why a chat ranks where it does,
how long a customer has waited for a reply, when an away customer's chat becomes a
ticket (and the event that says it did, with the ticket), waiting customers told
their new place, and "Turn into ticket" with the agent's category and subject."""

from datetime import timedelta

import pytest

from tests.conftest import OPEN_HOURS, queue_chat, run_async
from webapp.sweeper import sweep_once


@pytest.fixture
def chat(conversations):
    return queue_chat(conversations)


def _item(client, handoff_id):
    return [i for i in client.get("/api/queue").json() if i["id"] == handoff_id][0]


def test_a_queue_item_says_why_it_ranks_where_it_does(alex, conversations, demo_db):
    from sqlalchemy import update

    from helpdesk.models import Handoff

    premier = queue_chat(conversations, "premier-upset", customer_id="C1001", priority=9)
    with demo_db.session() as session:  # an urgent ticket asked for by an upset customer
        session.execute(
            update(Handoff)
            .where(Handoff.id == premier)
            .values(sentiment=0.8, collected={"ticket_urgency": "high"})
        )
    plain = queue_chat(conversations, "anonymous", customer_id=None, priority=2)
    assert _item(alex, premier)["rank_reasons"] == ["premier", "urgent", "upset"]
    assert _item(alex, plain)["rank_reasons"] == []


def test_an_active_chat_says_how_long_the_customer_has_waited_for_a_reply(
    app, alex, chat, conversations
):
    state = app.state.kefu
    state.clock = lambda: OPEN_HOURS
    alex.post(f"/api/handoffs/{chat}/claim")
    state.clock = lambda: OPEN_HOURS + timedelta(seconds=40)
    assert _item(alex, chat)["customer_waiting_seconds"] == 40  # since the agent joined
    alex.post(f"/api/handoffs/{chat}/reply", json={"text": "Hi, I'm looking at it."})
    assert _item(alex, chat)["customer_waiting_since"] is None
    conversations.route_customer_message("chat-maya", "Thanks!", OPEN_HOURS + timedelta(minutes=1))
    state.clock = lambda: OPEN_HOURS + timedelta(minutes=3)
    item = _item(alex, chat)
    assert item["customer_waiting_seconds"] == 120
    assert item["customer_waiting_since"].startswith("2026-11-24T20:01:00")


def test_an_away_customers_chat_says_when_it_becomes_a_ticket_and_then_that_it_did(
    app, alex, chat, conversations
):
    state = app.state.kefu
    left = OPEN_HOURS + timedelta(minutes=1)
    conversations.customer_presence("chat-maya", False, left)
    state.clock = lambda: left + timedelta(seconds=30)
    item = _item(alex, chat)
    grace = state.settings.handoff_left_grace_seconds
    assert item["customer_away"] and item["converts_in_seconds"] == grace - 30
    state.clock = lambda: left + timedelta(seconds=grace)
    assert run_async(sweep_once(state)) == 1
    [converted] = [e for e in alex.get(f"/api/events?handoff_id={chat}").json() if e["kind"] == "converted"]
    assert converted["cause"] == "customer_left" and converted["ticket_ref"].startswith("T-")
    assert alex.get(f"/api/tickets/{converted['ticket_ref']}").status_code == 200


def test_the_sweep_tells_a_customer_a_premier_chat_pushed_back(app, alex, conversations, rasa):
    queue_chat(conversations, "standard", customer_id=None, priority=2)
    queue_chat(conversations, "premier", customer_id="C1001", priority=9)
    app.state.kefu.clock = lambda: OPEN_HOURS + timedelta(seconds=15)
    run_async(sweep_once(app.state.kefu))
    told = [body[0]["text"] for path, body in rasa.calls if "/standard/" in path]
    assert told == [
        "A chat that needed us more urgently came in, so you are now number 2 in line. "
        "Sorry about that; we haven't forgotten you."
    ]


def test_the_ticket_form_starts_from_the_categories_the_chats_guess_and_its_problem(alex, chat):
    draft = alex.get(f"/api/handoffs/{chat}/ticket-draft").json()
    assert {"key": "damaged_item", "label": "Damaged item"} in draft["categories"]
    assert draft["category"] == "damaged_item"  # guessed from "The TV screen is cracked"
    assert draft["subject"] == "The TV screen is cracked"


def test_turning_a_chat_into_a_ticket_takes_the_agents_category_and_subject(alex, chat):
    alex.post(f"/api/handoffs/{chat}/claim")
    response = alex.post(
        f"/api/handoffs/{chat}/convert",
        json={"category": "damaged_item", "subject": "  Cracked 55-inch TV screen  "},
    )
    ticket = response.json()["ticket"]
    assert (ticket["category"], ticket["subject"]) == ("damaged_item", "Cracked 55-inch TV screen")


@pytest.mark.parametrize(
    "body",
    [
        {"category": "no_such_thing", "subject": "A subject"},
        {"category": "damaged_item", "subject": "x" * 201},
        {"category": "damaged_item", "subject": "   "},
        {"category": "damaged_item"},
    ],
)
def test_a_ticket_choice_that_does_not_hold_is_refused_and_the_chat_stays_open(alex, chat, body):
    alex.post(f"/api/handoffs/{chat}/claim")
    response = alex.post(f"/api/handoffs/{chat}/convert", json=body)
    assert response.status_code == 422
    assert _item(alex, chat)["status"] == "active"
