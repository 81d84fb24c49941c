"""Handing a conversation to a person, with the whole story attached.

During support hours the conversation joins the agents' queue as a handoff; outside
them, or when nobody can take it, it becomes a ticket with the same context and the
customer is told when a person will answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional

from helpdesk.company import CompanyFacts
from helpdesk.conversation_records import ConversationRecords, HandoffView, NewHandoff
from helpdesk.handoff_reasons import REASONS
from helpdesk.priority import priority_score
from helpdesk.records import CustomerRecords, CustomerView
from helpdesk.tickets import OpenedTicket, TicketRequest, first_response_due, open_ticket


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
) -> EscalationOutcome:
    existing = conversations.open_handoff_for(request.conversation_id)
    if existing is not None:
        return EscalationOutcome("already_queued")
    tier = request.customer.tier if request.customer else None
    if facts.hours.is_open(now):
        handoff = conversations.create_handoff(
            NewHandoff(
                conversation_id=request.conversation_id,
                reason=request.reason,
                reason_detail=request.reason_detail or REASONS.get(request.reason),
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
            )
        )
        return EscalationOutcome("queued", handoff=handoff)
    earlier = records.open_tickets_for_conversation(request.conversation_id)
    if earlier:
        # One ticket per conversation: a second request while closed adds to it.
        ticket = records.add_ticket_comment(
            earlier[0].id, "system", "Assistant", _ticket_description(request)
        )
        due = ticket.first_response_due or first_response_due(facts, tier, now)
        return EscalationOutcome(
            "ticket_updated",
            opened=OpenedTicket(ticket=ticket, target=facts.tier(tier).describe_target(), due=due),
            next_opening=facts.hours.next_opening(now),
        )
    opened = open_ticket(
        records,
        facts,
        TicketRequest(
            category=request.collected.get("ticket_category") or "other",
            description=_ticket_description(request),
            urgency=request.collected.get("ticket_urgency") or "normal",
            customer=request.customer,
            order_id=request.collected.get("order_id"),
            conversation_id=request.conversation_id,
            contact_email=request.contact_email,
            source="escalation",
            subject_hint=f"chat escalated: {REASONS.get(request.reason, request.reason).lower()}",
            context={
                "reason": request.reason,
                "reason_detail": request.reason_detail or REASONS.get(request.reason),
                "identity_method": request.identity_method,
                "collected": request.collected,
                "transcript": request.transcript,
            },
        ),
        now,
    )
    return EscalationOutcome("ticket", opened=opened, next_opening=facts.hours.next_opening(now))


def _ticket_description(request: EscalationRequest) -> str:
    """The customer's own words, newest last, so the agent reads the case first."""
    said = [turn["text"] for turn in request.transcript if turn.get("role") == "customer"]
    reason = request.reason_detail or REASONS.get(request.reason, request.reason)
    lines = [f"Escalated by the assistant outside support hours: {reason}."]
    if request.collected.get("ticket_description"):
        lines.append(f"Problem: {request.collected['ticket_description']}")
    if said:
        lines.append("The customer wrote:")
        lines.extend(f"- {text}" for text in said[-8:])
    return "\n".join(lines)
