"""The agents' ticket API: the due-first list and its filters, counts of breaches,
taking and assigning tickets, one ticket with its conversation, and a customer's
reply reopening a ticket and reaching its assignee's event stream."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from helpdesk.models import utcnow
from helpdesk.records import NewTicket
from helpdesk.sql_records import SqlCustomerRecords
from helpdesk.tickets import TicketRequest, open_ticket
from tests.conftest import run_async
from webapp.agent_auth import SESSION_COOKIE
from webapp.ticket_feed import TicketEventFeed


@pytest.fixture
def tickets(demo_db):
    return SqlCustomerRecords(demo_db)


def agent_id(client):
    return client.get("/api/agent/me").json()["id"]


def opened(tickets, customer_id="C1001", first_due=None, resolution_due=None, **fields):
    values = dict(category="billing", subject="Charged twice", description="x", urgency="normal")
    values.update(fields)
    return tickets.create_ticket(
        NewTicket(
            priority=1,
            customer_id=customer_id,
            first_response_due=first_due,
            resolution_due=resolution_due,
            **values,
        )
    )


def refs(response):
    assert response.status_code == 200, response.text
    return [t["ref"] for t in response.json()]


def test_the_list_names_the_customer_and_puts_what_is_due_first_first(alex, tickets):
    now = utcnow()
    later = opened(tickets, first_due=now + timedelta(hours=3))
    overdue = opened(tickets, customer_id="C1003", first_due=now - timedelta(minutes=5))
    listed = alex.get("/api/tickets", params={"status": "open"}).json()
    assert [t["ref"] for t in listed][:2] == [overdue.ref, later.ref]
    first = listed[0]
    assert first["customer_name"] == "Sofia Martinez"
    assert first["sla"]["breached"] and first["sla"]["first_response"]["state"] == "breached"
    assert listed[1]["sla"]["first_response"]["state"] in ("on_track", "at_risk")


def test_tickets_can_be_taken_assigned_and_filtered_by_assignee(alex, sam, tickets):
    mine, theirs, nobodys = opened(tickets), opened(tickets), opened(tickets)
    taken = alex.patch(f"/api/tickets/{mine.ref}", json={"assignee_id": agent_id(alex)})
    assert taken.json()["assignee_name"] == "Alex Rivera"
    given = alex.patch(f"/api/tickets/{theirs.ref}", json={"assignee_id": agent_id(sam)})
    assert given.json()["assignee_id"] == agent_id(sam)
    assert refs(alex.get("/api/tickets", params={"assignee": "me"})) == [mine.ref]
    assert refs(sam.get("/api/tickets", params={"assignee": "me"})) == [theirs.ref]
    unassigned = refs(alex.get("/api/tickets", params={"assignee": "none", "limit": 200}))
    assert nobodys.ref in unassigned and mine.ref not in unassigned
    released = alex.patch(f"/api/tickets/{mine.ref}", json={"assignee_id": None})
    assert released.json()["assignee_id"] is None
    # a status change alone leaves the assignee as it is
    alex.patch(f"/api/tickets/{theirs.ref}", json={"status": "pending"})
    assert alex.get(f"/api/tickets/{theirs.ref}").json()["assignee_id"] == agent_id(sam)


def test_the_list_filters_by_several_statuses_category_urgency_and_tier(alex, tickets):
    pending = opened(tickets, category="delivery", urgency="high", customer_id="C1003")
    alex.patch(f"/api/tickets/{pending.ref}", json={"status": "pending"})
    both = refs(alex.get("/api/tickets", params={"status": ["open", "pending"], "limit": 200}))
    assert pending.ref in both and "T-00002" not in both  # T-00002 is solved
    assert refs(alex.get("/api/tickets", params={"status": "open,pending", "limit": 200})) == both
    found = alex.get(
        "/api/tickets", params={"category": "delivery", "urgency": "high", "tier": "standard"}
    ).json()
    assert pending.ref in [t["ref"] for t in found]
    assert {(t["category"], t["urgency"], t["customer_tier"]) for t in found} == {
        ("delivery", "high", "standard")
    }


def test_breaches_are_counted_and_can_be_listed_alone(alex, tickets):
    now = utcnow()
    late = opened(tickets, first_due=now - timedelta(hours=1))
    opened(tickets, first_due=now + timedelta(hours=1))
    alex.patch(f"/api/tickets/{late.ref}", json={"assignee_id": agent_id(alex)})
    assert refs(alex.get("/api/tickets", params={"breached": "true"})) == [late.ref]
    summary = alex.get("/api/tickets/summary").json()
    assert (summary["breached"], summary["mine"]) == (1, 1)
    assert summary["open"] == summary["unassigned"] + 1


@pytest.mark.parametrize(
    ("method", "url", "body", "status"),
    [
        ("GET", "/api/tickets?assignee=somebody", None, 422),
        ("GET", "/api/tickets?status=open,burning", None, 422),
        ("GET", "/api/tickets?urgency=extreme", None, 422),
        ("PATCH", "/api/tickets/T-00001", {"assignee_id": 999}, 422),
        ("PATCH", "/api/tickets/T-99999", {"assignee_id": 1}, 404),
        ("GET", "/api/tickets/T-99999", None, 404),
    ],
)
def test_bad_ticket_requests_are_refused(alex, method, url, body, status):
    assert alex.request(method, url, json=body).status_code == status


def test_the_ticket_routes_need_a_signed_in_agent(app):
    anonymous = TestClient(app)
    for method, url in (
        ("GET", "/api/tickets"),
        ("GET", "/api/tickets/summary"),
        ("GET", "/api/tickets/T-00001"),
        ("PATCH", "/api/tickets/T-00001"),
    ):
        assert anonymous.request(method, url, json={}).status_code == 401


def test_a_ticket_shows_the_whole_conversation_in_order_and_what_was_collected(
    alex, tickets, facts
):
    maya = tickets.get_customer("C1001")
    ticket = open_ticket(
        tickets,
        facts,
        TicketRequest(
            category="damaged_item",
            description="The screen is cracked",
            customer=maya,
            conversation_id="chat-maya",
            context={
                "transcript": [
                    {"role": "bot", "text": "Hi! How can I help?", "timestamp": 1.0},
                    {"role": "customer", "text": "My TV arrived broken", "timestamp": 2.0},
                    {"role": "bot", "text": "Sorry! Which order?", "timestamp": 3.0},
                ],
                "collected": {"order_id": "BW-104119"},
                "live_chat": [
                    {"kind": "agent_message", "author": "Sam", "text": "I'm here", "at": None},
                    {"kind": "note", "author": "Sam", "text": "internal", "at": None},
                ],
            },
        ),
        utcnow(),
    ).ticket
    detail = alex.get(f"/api/tickets/{ticket.ref}").json()
    assert [(t["role"], t["text"]) for t in detail["conversation"]] == [
        ("bot", "Hi! How can I help?"),
        ("customer", "My TV arrived broken"),
        ("bot", "Sorry! Which order?"),
        ("agent", "I'm here"),
    ]
    assert detail["details"] == {"order_id": "BW-104119"}
    assert detail["customer_url"] == "/console/customers/C1001"
    assert detail["resolution_due"] and detail["sla"]["resolution"]["state"] == "on_track"


def test_a_ticket_without_a_stored_transcript_reads_its_chat_from_rasa_or_has_none(
    alex, tickets, rasa
):
    from_chat = opened(tickets, conversation_id="chat-x")
    assert alex.get(f"/api/tickets/{from_chat.ref}").json()["conversation"] == []
    assert any(path.endswith("/conversations/chat-x/tracker") for path, _ in rasa.calls)
    rasa.down = True
    assert alex.get(f"/api/tickets/{from_chat.ref}").status_code == 200
    by_email = opened(tickets)
    assert alex.get(f"/api/tickets/{by_email.ref}").json()["conversation"] == []


def test_the_first_public_reply_is_the_first_response(alex, tickets):
    ticket = opened(tickets, first_due=utcnow() + timedelta(hours=1))
    alex.post(f"/api/tickets/{ticket.ref}/comments", json={"text": "note", "internal": True})
    assert alex.get(f"/api/tickets/{ticket.ref}").json()["first_responded_at"] is None
    answered = alex.post(f"/api/tickets/{ticket.ref}/comments", json={"text": "Refunded"}).json()
    assert answered["first_responded_at"] and answered["sla"]["first_response"]["state"] == "met"
    solved = alex.patch(f"/api/tickets/{ticket.ref}", json={"status": "solved"}).json()
    assert solved["solved_at"] and solved["sla"]["resolution"]["state"] is None  # no target set


def test_a_customer_reply_reopens_a_pending_ticket_and_reaches_its_assignees_stream(
    app, alex, tickets
):
    ticket = opened(tickets)
    alex.patch(
        f"/api/tickets/{ticket.ref}", json={"assignee_id": agent_id(alex), "status": "pending"}
    )
    state = app.state.kefu
    feed = TicketEventFeed(state, alex.cookies.get(SESSION_COOKIE))
    assert run_async(feed.messages(0.0)) == []  # the stream starts at the newest event
    reopened = tickets.add_ticket_comment(ticket.id, "customer", "Maya", "Here is the photo")
    assert reopened.status == "open"
    [message] = run_async(feed.messages(10.0))
    assert message.startswith("event: ticket\n") and "id:" not in message
    assert f'"ticket_ref": "{ticket.ref}"' in message and "Here is the photo" in message
    assert alex.get(f"/api/tickets/{ticket.ref}").json()["status"] == "open"
