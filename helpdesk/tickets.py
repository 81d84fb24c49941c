"""Opening a ticket: priority from tier and urgency, the tier's first-response
target in business time, and everything the bot gathered kept as context."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, Optional

from helpdesk.company import CompanyFacts
from helpdesk.priority import priority_score
from helpdesk.records import CustomerRecords, CustomerView, NewTicket, TicketView
from helpdesk.sentiment import negativity


@dataclass
class TicketRequest:
    category: str
    description: str
    urgency: str = "normal"
    customer: Optional[CustomerView] = None
    order_id: Optional[str] = None
    conversation_id: Optional[str] = None
    contact_email: Optional[str] = None
    source: str = "chat"
    subject_hint: Optional[str] = None
    context: Dict[str, Any] = field(default_factory=dict)
    request_key: Optional[str] = None  # see NewTicket


@dataclass(frozen=True)
class OpenedTicket:
    ticket: TicketView
    target: str  # "4 business hours"
    due: datetime


def first_response_due(facts: CompanyFacts, tier_key: Optional[str], at: datetime) -> datetime:
    tier = facts.tier(tier_key)
    if tier.first_response_hours is not None:
        return facts.hours.add_business_hours(at, tier.first_response_hours)
    return facts.hours.add_business_days(at, tier.first_response_days or 1)


def ticket_subject(facts: CompanyFacts, request: TicketRequest) -> str:
    category = facts.ticket_categories.get(request.category)
    label = category.label if category else request.category.replace("_", " ").title()
    if request.order_id:
        return f"{label} – order {request.order_id}"
    if request.subject_hint:
        return f"{label} – {request.subject_hint}"
    summary = " ".join(request.description.split())
    return f"{label} – {summary[:80]}{'…' if len(summary) > 80 else ''}"


def open_ticket(
    records: CustomerRecords, facts: CompanyFacts, request: TicketRequest, now: datetime
) -> OpenedTicket:
    tier_key = request.customer.tier if request.customer else None
    due = first_response_due(facts, tier_key, now)
    ticket = records.create_ticket(
        NewTicket(
            category=request.category,
            subject=ticket_subject(facts, request),
            description=request.description.strip(),
            urgency=request.urgency,
            priority=priority_score(
                facts, tier_key, request.urgency, negativity(request.description)
            ),
            customer_id=request.customer.id if request.customer else None,
            order_id=request.order_id,
            conversation_id=request.conversation_id,
            source=request.source,
            contact_email=request.contact_email
            or (request.customer.email if request.customer else None),
            first_response_due=due,
            context=request.context,
            request_key=request.request_key,
        )
    )
    # A retried request gets the ticket opened the first time, with its own target.
    due = ticket.first_response_due or due
    return OpenedTicket(ticket=ticket, target=facts.tier(tier_key).describe_target(), due=due)
