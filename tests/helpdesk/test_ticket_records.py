"""The agents' ticket list and a ticket's service-level times, on a real database."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, text

from helpdesk.agents import AgentAccounts
from helpdesk.db import Database
from helpdesk.records import NewTicket, TicketFilter
from helpdesk.sql_records import SqlCustomerRecords

NOW = datetime.now(timezone.utc)


@pytest.fixture
def agents(demo_db):
    accounts = AgentAccounts(demo_db)
    return (
        accounts.create_agent("alex@brightwave.example", "Alex Rivera", "alex password 1"),
        accounts.create_agent("sam@brightwave.example", "Sam Lee", "sam password 12"),
    )


def ticket(records, customer_id="C1001", first_due=None, resolution_due=None, **fields):
    values = dict(category="billing", subject="Charged twice", description="x", urgency="normal")
    values.update(fields)
    return records.create_ticket(
        NewTicket(
            priority=values.pop("priority", 1),
            customer_id=customer_id,
            first_response_due=first_due,
            resolution_due=resolution_due,
            **values,
        )
    )


def listed(records, **where):
    return [t.id for t in records.find_tickets(TicketFilter(**where), NOW, limit=200)]


def test_the_list_puts_what_is_due_first_first_and_solved_tickets_last(records):
    later = ticket(
        records, first_due=NOW + timedelta(hours=5), resolution_due=NOW + timedelta(days=3)
    )
    sooner = ticket(
        records, first_due=NOW + timedelta(hours=1), resolution_due=NOW + timedelta(days=3)
    )
    answered = ticket(
        records, first_due=NOW + timedelta(minutes=5), resolution_due=NOW + timedelta(hours=3)
    )
    records.add_ticket_comment(answered.id, "agent", "Alex", "On it")  # now its resolution counts
    overdue = ticket(
        records, first_due=NOW - timedelta(hours=1), resolution_due=NOW + timedelta(days=1)
    )
    done = ticket(
        records, first_due=NOW - timedelta(days=9), resolution_due=NOW - timedelta(days=8)
    )
    records.set_ticket_status(done.id, "solved")
    ours = [
        t for t in listed(records) if t in {later.id, sooner.id, answered.id, overdue.id, done.id}
    ]
    assert ours == [overdue.id, sooner.id, answered.id, later.id, done.id]
    # the demo's tickets have no due times: after every ticket with one, before solved ones
    every = listed(records)
    assert every.index(later.id) < every.index(1) < every.index(done.id)


def test_the_list_filters_by_status_assignee_category_urgency_tier_and_breach(records, agents):
    alex, sam = agents
    mine = ticket(records, category="delivery", urgency="high", first_due=NOW - timedelta(hours=1))
    theirs = ticket(records, customer_id="C1003", first_due=NOW + timedelta(hours=1))
    nobody = ticket(records, customer_id="C1002", first_due=NOW + timedelta(hours=2))
    records.set_ticket_assignee(mine.id, alex.id)
    records.set_ticket_assignee(theirs.id, sam.id)
    records.set_ticket_status(theirs.id, "pending")
    assert listed(records, assignee_id=alex.id) == [mine.id]
    assert nobody.id in listed(records, unassigned=True)
    assert mine.id not in listed(records, unassigned=True)
    pending = listed(records, statuses=("pending",))
    assert theirs.id in pending and mine.id not in pending
    assert theirs.id in listed(records, statuses=("open", "pending"))
    urgent_deliveries = listed(records, category="delivery", urgency="high")
    assert mine.id in urgent_deliveries and theirs.id not in urgent_deliveries
    assert {
        (records.get_ticket(i).category, records.get_ticket(i).urgency) for i in urgent_deliveries
    } == {("delivery", "high")}
    assert theirs.id in listed(records, tier="standard") and mine.id not in listed(
        records, tier="standard"
    )
    assert listed(records, breached_only=True) == [mine.id]
    counts = records.count_tickets(alex.id, NOW)
    assert (counts.breached, counts.mine) == (1, 1)
    assert counts.unassigned == counts.open - 2


def test_a_ticket_names_its_customer_and_assignee(records, agents):
    alex, _ = agents
    opened = ticket(records)
    assert records.get_ticket(opened.id).customer_name == "Maya Thompson"
    assigned = records.set_ticket_assignee(opened.id, alex.id)
    assert (assigned.assignee_id, assigned.assignee_name) == (alex.id, "Alex Rivera")
    assert records.set_ticket_assignee(opened.id, None).assignee_id is None
    with pytest.raises(ValueError):
        records.set_ticket_assignee(opened.id, 9999)
    with pytest.raises(KeyError):
        records.set_ticket_assignee(9999, alex.id)


def test_the_first_public_agent_comment_is_the_first_response(records):
    opened = ticket(records)
    after_note = records.add_ticket_comment(opened.id, "agent", "Alex", "checking", internal=True)
    assert after_note.first_responded_at is None
    answered = records.add_ticket_comment(opened.id, "agent", "Alex", "Refund issued")
    assert answered.first_responded_at is not None
    again = records.add_ticket_comment(opened.id, "agent", "Alex", "Anything else?")
    assert again.first_responded_at == answered.first_responded_at


def test_solving_or_closing_stops_the_resolution_clock_and_reopening_restarts_it(records):
    opened = ticket(records)
    solved = records.set_ticket_status(opened.id, "solved")
    assert solved.solved_at is not None
    assert records.set_ticket_status(opened.id, "closed").solved_at == solved.solved_at
    assert records.set_ticket_status(opened.id, "open").solved_at is None


@pytest.mark.parametrize("status", ["pending", "solved"])
def test_a_customer_reply_reopens_a_waiting_ticket_and_tells_its_assignee(records, agents, status):
    alex, _ = agents
    opened = ticket(records)
    records.set_ticket_assignee(opened.id, alex.id)
    records.set_ticket_status(opened.id, status)
    before = records.latest_ticket_event_id()
    replied = records.add_ticket_comment(opened.id, "customer", "Maya", "Here is the photo")
    assert replied.status == "open" and replied.solved_at is None
    [event] = records.ticket_events_after(before, agent_id=alex.id)
    assert (event.ticket_ref, event.kind, event.body) == (
        opened.ref,
        "customer_replied",
        "Here is the photo",
    )
    assert records.ticket_events_after(before, agent_id=alex.id + 1) == []


def test_a_customer_reply_on_an_unassigned_ticket_tells_nobody(records):
    opened = ticket(records)
    records.set_ticket_status(opened.id, "pending")
    before = records.latest_ticket_event_id()
    assert records.add_ticket_comment(opened.id, "customer", "Maya", "hi").status == "open"
    assert records.ticket_events_after(before) == []


def test_an_older_database_gets_the_ticket_service_level_columns(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE tickets (id INTEGER PRIMARY KEY, customer_id VARCHAR(32), "
                "order_id VARCHAR(16), conversation_id VARCHAR(128), category VARCHAR(32) NOT NULL, "
                "subject VARCHAR(200) NOT NULL, description TEXT NOT NULL, urgency VARCHAR(16) NOT NULL, "
                "priority INTEGER NOT NULL, status VARCHAR(16) NOT NULL, source VARCHAR(16) NOT NULL, "
                "contact_email VARCHAR(320), context JSON, request_key VARCHAR(64), "
                "created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL, first_response_due DATETIME)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO tickets VALUES (1, NULL, NULL, NULL, 'other', 'Old', 'old', 'normal', 0, "
                "'open', 'chat', NULL, NULL, NULL, '2026-11-24 10:00:00', '2026-11-24 10:00:00', NULL)"
            )
        )
    db.create_schema()
    columns = {c["name"] for c in inspect(db.engine).get_columns("tickets")}
    assert {"assignee_id", "resolution_due", "first_responded_at", "solved_at"} <= columns
    old = SqlCustomerRecords(db).get_ticket(1)
    assert old.subject == "Old" and old.assignee_id is None and old.resolution_due is None
    db.dispose()


def test_a_ticket_gets_the_email_address_its_answer_goes_to(records, demo_db):
    from helpdesk.models import Ticket

    opened = ticket(records, customer_id=None, conversation_id="conv-anon")
    updated = records.set_ticket_contact_email(opened.id, "  anna@example.com ")
    assert updated.id == opened.id and updated.updated_at >= opened.updated_at
    with demo_db.session() as session:
        assert session.get(Ticket, opened.id).contact_email == "anna@example.com"
    with pytest.raises(KeyError):
        records.set_ticket_contact_email(99999, "anna@example.com")
    with pytest.raises(ValueError):
        records.set_ticket_contact_email(opened.id, "   ")
