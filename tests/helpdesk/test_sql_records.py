import pytest

from helpdesk.db import Database
from helpdesk.orders import cancel_customer_order, customer_order
from helpdesk.records import NewTicket, RecordsUnavailable
from helpdesk.sql_records import SqlCustomerRecords


def test_orders_come_newest_first(records):
    orders = records.list_orders("C1001")
    assert [o.id for o in orders] == ["BW-104138", "BW-104119", "BW-104101"]
    assert orders[1].carrier == "UPS" and orders[1].tracking_number
    assert orders[0].items[0] == ("Tempo smartwatch", 1)


def test_a_customer_never_sees_another_customers_order(records):
    assert customer_order(records, "C1001", "BW-104167") is None
    assert customer_order(records, "C1002", "BW-104167") is not None


def test_only_processing_orders_can_be_cancelled(records):
    assert cancel_customer_order(records, "C1001", "BW-104138").outcome == "cancelled"
    assert records.get_order("BW-104138").status == "cancelled"
    shipped = cancel_customer_order(records, "C1001", "BW-104119")
    assert shipped.outcome == "not_cancellable" and shipped.order.status == "shipped"
    assert cancel_customer_order(records, "C1002", "BW-104119").outcome == "not_found"


def test_tickets_are_created_and_commented_on(records):
    ticket = records.create_ticket(
        NewTicket(
            category="billing",
            subject="Charged twice",
            description="Two charges",
            urgency="high",
            priority=9,
            customer_id="C1001",
        )
    )
    assert ticket.ref == f"T-{ticket.id:05d}" and ticket.status == "open"
    updated = records.add_ticket_comment(
        ticket.id, "customer", "Maya Thompson", "Here is the receipt"
    )
    assert [c.body for c in updated.comments] == ["Here is the receipt"]
    assert ticket.id in [t.id for t in records.list_tickets("C1001", open_only=True)]


def test_a_customer_comment_reopens_a_solved_ticket(records):
    solved = next(t for t in records.list_tickets("C1002") if t.status == "solved")
    assert (
        records.add_ticket_comment(solved.id, "customer", "Daniel", "It broke again").status
        == "open"
    )


def test_customer_search_matches_id_name_and_email_literally(records):
    assert [c.id for c in records.search_customers("maya")] == ["C1001"]
    assert [c.id for c in records.search_customers("C1002")] == ["C1002"]
    assert records.search_customers("%") == []


def test_a_database_that_cannot_be_reached_raises_records_unavailable():
    broken = SqlCustomerRecords(Database("postgresql://kefu@127.0.0.1:9/nowhere?connect_timeout=2"))
    with pytest.raises(RecordsUnavailable):
        broken.get_customer("C1001")


def new_ticket(**changes) -> NewTicket:
    fields = dict(
        category="billing",
        subject="Charged twice",
        description="Two charges",
        urgency="high",
        priority=9,
        customer_id="C1001",
        conversation_id="chat-1",
    )
    return NewTicket(**{**fields, **changes})


def test_a_request_key_seen_before_returns_the_ticket_it_opened(records):
    first = records.create_ticket(new_ticket(request_key="chat-1:details"))
    again = records.create_ticket(new_ticket(request_key="chat-1:details"))
    other = records.create_ticket(new_ticket(request_key="chat-1:other-details"))
    assert again.id == first.id and other.id != first.id
    assert len([t for t in records.list_tickets("C1001") if t.conversation_id == "chat-1"]) == 2


def test_a_cancellation_repeated_by_the_same_conversation_is_reported_done(records):
    assert cancel_customer_order(records, "C1001", "BW-104138", "chat-1").outcome == "cancelled"
    assert cancel_customer_order(records, "C1001", "BW-104138", "chat-1").outcome == "cancelled"
    elsewhere = cancel_customer_order(records, "C1001", "BW-104138", "chat-2")
    assert elsewhere.outcome == "not_cancellable" and elsewhere.order.status == "cancelled"


def test_a_public_reply_on_a_chat_ticket_waits_until_it_is_in_the_chat(records):
    ticket = records.create_ticket(new_ticket())
    records.add_ticket_comment(ticket.id, "agent", "Alex", "Internal only", internal=True, to_chat=True)
    records.add_ticket_comment(ticket.id, "agent", "Alex", "We refunded you", to_chat=True)
    [pending] = records.pending_chat_replies()
    assert (pending.conversation_id, pending.body, pending.ticket_ref) == (
        "chat-1",
        "We refunded you",
        ticket.ref,
    )
    records.mark_chat_reply_delivered(pending.comment_id)
    assert records.pending_chat_replies() == []
    assert [c.chat_delivery for c in records.get_ticket(ticket.id).comments] == [None, "delivered"]


def test_a_ticket_without_a_chat_has_no_reply_to_deliver(records):
    ticket = records.create_ticket(new_ticket(conversation_id=None))
    records.add_ticket_comment(ticket.id, "agent", "Alex", "Hello", to_chat=True)
    assert records.pending_chat_replies() == []
