"""What the handoff desk hands out: one chat as the queue shows it, everything
known about it, the outcome of an agent's move, and the refusals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple

from helpdesk.handoffs.events import EventView
from helpdesk.notices import Notice
from helpdesk.tickets import OpenedTicket


class HandoffNotFound(LookupError):
    """No handoff with that id."""


class HandoffConflict(Exception):
    """The chat is not in a state that allows this (claimed by someone else,
    already closed, ...); the message says what state it is in."""


class NotYourChat(Exception):
    """Only the agent holding a chat may write to it or close it."""


@dataclass(frozen=True)
class QueueEntry:
    id: int
    conversation_id: str
    status: str
    reason: str
    reason_text: str
    priority: int
    created_at: datetime
    claimed_at: Optional[datetime]
    closed_at: Optional[datetime]
    pickup_due: datetime
    customer_id: Optional[str]
    customer_name: Optional[str]
    tier: str
    identity_verified: bool
    identity_method: Optional[str]
    agent_id: Optional[int]
    agent_name: Optional[str]
    customer_left_at: Optional[datetime]
    ticket_id: Optional[int]
    sentiment: float
    # The conversation's language: the customer reads the desk's notices in it.
    language: str = "en"
    # The team the chat was routed or transferred to (None: any agent).
    team_key: Optional[str] = None
    team_name: Optional[str] = None
    # A waiting chat whose customer is away: when the sweep turns it into a ticket.
    converts_at: Optional[datetime] = None
    # Why it ranks where it does: the tier's key (above the lowest), "urgent", "upset".
    rank_reasons: Tuple[str, ...] = ()
    # An active chat: since when the customer has waited for the agent's reply.
    customer_waiting_since: Optional[datetime] = None


@dataclass(frozen=True)
class HandoffDetail:
    entry: QueueEntry
    transcript: List[Dict[str, Any]]
    collected: Dict[str, Any]
    events: List[EventView] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    entry: QueueEntry
    notices: List[Notice] = field(default_factory=list)
    event: Optional[EventView] = None
    ticket: Optional[OpenedTicket] = None
