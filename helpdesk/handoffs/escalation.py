"""Handing a conversation to a person, with the whole story attached.

During support hours the conversation joins the agents' queue as a handoff; outside
them, or when nobody can take it, it becomes a ticket with the same context and the
customer is told when a person will answer.

The conversation's language goes with it (stored on the handoff, and in the ticket's
context), so whatever the desk later says in that chat is in the customer's
language; what agents read (the reason, the ticket's description) is in theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional

from helpdesk.company import CompanyFacts
from helpdesk.conversation_records import ConversationRecords, HandoffView, NewHandoff
from helpdesk.desk_texts import DeskTexts, default_texts
from helpdesk.priority import priority_score
from helpdesk.records import CustomerRecords, CustomerView
from helpdesk.tickets import (
    OpenedTicket,
    TicketRequest,
    describe_target,
    first_response_due,
    open_ticket,
)


@dataclass
class EscalationRequest:
    conversation_id: str
    reason: str
    transcript: List[Dict[str, Any]]
    collected: Dict[str, Any]
    customer: Optional[CustomerView] = None
    identity_method: Optional[str] = None
    negativity: float = 0.0
    reason_detail: Optional[str] = None
    contact_email: Optional[str] = None


@dataclass(frozen=True)
class EscalationOutcome:
    kind: str  # "queued" | "already_queued" | "ticket" | "ticket_updated"
    handoff: Optional[HandoffView] = None
    opened: Optional[OpenedTicket] = None
    next_opening: Optional[datetime] = None


def escalate(
    records: CustomerRecords,
    conversations: ConversationRecords,
    facts: CompanyFacts,
    request: EscalationRequest,
    now: datetime,
    *,
    language: str = "en",
    texts: Optional[DeskTexts] = None,
) -> EscalationOutcome:
    """Queues the conversation for a person, or opens a ticket while support is
    closed. `language` is the conversation's: the desk's notices in this chat and
    the ticket's subject and target are in it. `texts` (default: the environment's
    knowledge base) word what agents read."""
    texts = default_texts(texts)
    language = texts.language(language)
    existing = conversations.open_handoff_for(request.conversation_id)
    if existing is not None:
        return EscalationOutcome("already_queued")
    tier = request.customer.tier if request.customer else None
    label = texts.reason(request.reason)
    if facts.hours.is_open(now):
        handoff = conversations.create_handoff(
            NewHandoff(
                conversation_id=request.conversation_id,
                reason=request.reason,
                reason_detail=request.reason_detail or label,
                transcript=request.transcript,
                collected=request.collected,
                customer_id=request.customer.id if request.customer else None,
                identity_method=request.identity_method,
                priority=priority_score(
                    facts,
                    tier,
                    request.collected.get("ticket_urgency") or "normal",
                    request.negativity,
                ),
                sentiment=request.negativity,
                created_at=now,
                language=language,
                contact_email=request.contact_email,
            )
        )
        return EscalationOutcome("queued", handoff=handoff)
    earlier = records.open_tickets_for_conversation(request.conversation_id)
    if earlier:
        # One ticket per conversation: a second request while closed adds to it.
        ticket = records.add_ticket_comment(
            earlier[0].id,
            "system",
            texts.say("desk.assistant_name"),
            _ticket_description(request, texts),
        )
        due = ticket.first_response_due or first_response_due(facts, tier, now)
        target = describe_target(facts, tier, language, texts)
        return EscalationOutcome(
            "ticket_updated",
            opened=OpenedTicket(ticket=ticket, target=target, due=due),
            next_opening=facts.hours.next_opening(now),
        )
    reason_there = texts.reason(request.reason, language)
    opened = open_ticket(
        records,
        facts,
        TicketRequest(
            category=request.collected.get("ticket_category") or "other",
            description=_ticket_description(request, texts),
            urgency=request.collected.get("ticket_urgency") or "normal",
            customer=request.customer,
            order_id=request.collected.get("order_id"),
            conversation_id=request.conversation_id,
            contact_email=request.contact_email,
            source="escalation",
            subject_hint=texts.say("desk.hint_escalated", language, reason=reason_there.lower()),
            language=language,
            context={
                "reason": request.reason,
                "reason_detail": request.reason_detail or label,
                "identity_method": request.identity_method,
                "collected": request.collected,
                "transcript": request.transcript,
            },
        ),
        now,
        texts=texts,
    )
    return EscalationOutcome("ticket", opened=opened, next_opening=facts.hours.next_opening(now))


def _ticket_description(request: EscalationRequest, texts: DeskTexts) -> str:
    """The customer's own words, newest last, so the agent reads the case first
    (in the agents' language)."""
    said = [turn["text"] for turn in request.transcript if turn.get("role") == "customer"]
    reason = request.reason_detail or texts.reason(request.reason)
    lines = [texts.say("desk.ticket_escalated_after_hours", reason=reason)]
    if request.collected.get("ticket_description"):
        problem = request.collected["ticket_description"]
        lines.append(texts.say("desk.ticket_problem", problem=problem))
    if said:
        lines.append(texts.say("desk.ticket_customer_wrote"))
        lines.extend(texts.say("desk.ticket_customer_line", text=text) for text in said[-8:])
    return "\n".join(lines)
