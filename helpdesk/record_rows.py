"""Database rows as the frozen views the rest of Kefu reads (helpdesk/records.py):
what `SqlCustomerRecords` returns, so no ORM row (or its lazy loads) leaves a
session."""

from __future__ import annotations

from helpdesk.models import Customer, Order, Ticket, TicketEvent
from helpdesk.parsing import parse_items
from helpdesk.records import (
    CommentView,
    CustomerView,
    OrderView,
    TicketEventView,
    TicketView,
)


def customer_view(row: Customer) -> CustomerView:
    return CustomerView(
        id=row.id,
        name=row.name,
        email=row.email,
        phone=row.phone,
        tier=row.tier,
        created_at=row.created_at,
    )


def order_view(row: Order) -> OrderView:
    return OrderView(
        id=row.id,
        customer_id=row.customer_id,
        placed_at=row.placed_at,
        status=row.status,
        total=row.total,
        currency=row.currency,
        carrier=row.carrier,
        tracking_number=row.tracking_number,
        items=tuple(parse_items(row.items)),
        delivered_at=row.delivered_at,
    )


def ticket_view(row: Ticket) -> TicketView:
    return TicketView(
        id=row.id,
        customer_id=row.customer_id,
        order_id=row.order_id,
        category=row.category,
        subject=row.subject,
        description=row.description,
        urgency=row.urgency,
        priority=row.priority,
        status=row.status,
        created_at=row.created_at,
        updated_at=row.updated_at,
        first_response_due=row.first_response_due,
        comments=tuple(
            CommentView(
                author_type=c.author_type,
                author_name=c.author_name,
                body=c.body,
                internal=c.internal,
                created_at=c.created_at,
                id=c.id,
                chat_delivery=c.chat_delivery,
                channel=c.channel,
                email_status=c.email_status,
            )
            for c in row.comments
        ),
        conversation_id=row.conversation_id,
        customer_name=row.customer.name if row.customer else None,
        customer_tier=row.customer.tier if row.customer else None,
        assignee_id=row.assignee_id,
        assignee_name=row.assignee.name if row.assignee else None,
        resolution_due=row.resolution_due,
        first_responded_at=row.first_responded_at,
        solved_at=row.solved_at,
        context=dict(row.context) if isinstance(row.context, dict) else {},
        contact_email=row.contact_email,
        source=row.source,
    )


def ticket_event_view(row: TicketEvent) -> TicketEventView:
    return TicketEventView(
        id=row.id,
        ticket_id=row.ticket_id,
        agent_id=row.agent_id,
        kind=row.kind,
        body=row.body,
        created_at=row.created_at,
    )
