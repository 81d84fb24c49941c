"""Opening a ticket: priority from tier and urgency, the tier's first-response and
resolution targets in business time (helpdesk/ticket_sla.py), and everything the
bot gathered kept as context.

A ticket opened from a conversation remembers its language (`context["language"]`):
its subject and target are worded in it, and the replies an agent writes later
reach the customer's chat with the desk's words in it (helpdesk/ticket_replies.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, Optional

from helpdesk.company import CompanyFacts
from helpdesk.desk_texts import DeskTexts, default_texts
from helpdesk.priority import priority_score
from helpdesk.records import CustomerRecords, CustomerView, NewTicket, TicketView
from helpdesk.sentiment import negativity
from helpdesk.ticket_sla import first_response_due, resolution_due


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
    # The conversation's language ("en", "zh"); None: the company's default.
    language: Optional[str] = None
    # A subject a person chose (an agent turning a chat into a ticket): used as is.
    subject: Optional[str] = None


@dataclass(frozen=True)
class OpenedTicket:
    ticket: TicketView
    target: str  # "4 business hours"
    due: datetime


def ticket_subject(
    facts: CompanyFacts, request: TicketRequest, texts: Optional[DeskTexts] = None
) -> str:
    """ "Damaged item – order BW-104233", in the request's language (the category's
    label of that language when the company has one)."""
    if request.subject:
        return request.subject
    texts = default_texts(texts)
    language = texts.language(request.language)
    if language != texts.default_language:
        facts = texts.facts(language)
    category = facts.ticket_categories.get(request.category)
    label = category.label if category else request.category.replace("_", " ").title()
    if request.order_id:
        return texts.say("desk.subject_order", language, category=label, order_id=request.order_id)
    if request.subject_hint:
        return texts.say("desk.subject_hint", language, category=label, hint=request.subject_hint)
    summary = " ".join(request.description.split())
    shown = f"{summary[:80]}{'…' if len(summary) > 80 else ''}"
    return texts.say("desk.subject_summary", language, category=label, summary=shown)


def open_ticket(
    records: CustomerRecords,
    facts: CompanyFacts,
    request: TicketRequest,
    now: datetime,
    texts: Optional[DeskTexts] = None,
) -> OpenedTicket:
    """Opens the ticket; `texts` (default: the environment's knowledge base) word
    its subject and target in the request's language."""
    texts = default_texts(texts)
    tier_key = request.customer.tier if request.customer else None
    due = first_response_due(facts, tier_key, now)
    context = dict(request.context)
    if request.language:
        context["language"] = texts.language(request.language)
    ticket = records.create_ticket(
        NewTicket(
            category=request.category,
            subject=ticket_subject(facts, request, texts),
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
            resolution_due=resolution_due(facts, tier_key, now),
            context=context,
            request_key=request.request_key,
        )
    )
    # A retried request gets the ticket opened the first time, with its own target.
    due = ticket.first_response_due or due
    return OpenedTicket(
        ticket=ticket, target=describe_target(facts, tier_key, request.language, texts), due=due
    )


def describe_target(
    facts: CompanyFacts,
    tier_key: Optional[str],
    language: Optional[str] = None,
    texts: Optional[DeskTexts] = None,
) -> str:
    """The tier's first-response target: "4 business hours" / "4 个工作小时"."""
    tier = facts.tier(tier_key)
    local = default_texts(texts).local(language)
    return local.target(tier.first_response_hours, tier.first_response_days)
