"""Request and response shapes of the agents' API (the console and any script
an agent writes against it). The field descriptions are the API's documentation
(for developers); what a refused field tells the agent is a catalogue text
(`errors.*`)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Dict, List, Optional

from pydantic import BaseModel as PydanticModel
from pydantic import Field, validator

from helpdesk.desk_texts import DeskTexts
from helpdesk.handoffs.desk import MAX_MESSAGE_LENGTH, MAX_NOTE_LENGTH
from helpdesk.models import TICKET_STATUSES


class BaseModel(PydanticModel):
    class Config:
        # Money goes out as an exact decimal string ("2257.98"), never a float.
        json_encoders = {Decimal: str}


class LoginRequest(BaseModel):
    email: str = Field(..., min_length=1, max_length=320)
    password: str = Field(..., min_length=1, max_length=1000)


class AgentOut(BaseModel):
    id: int
    email: str
    name: str


class LoginOut(BaseModel):
    agent: AgentOut
    token: str = Field(
        ..., description="Also set as an HttpOnly cookie; send it as a Bearer token from scripts"
    )
    expires_at: datetime


def _refusal(key: str, **values: object) -> str:
    """A validator has no request in hand: the environment's knowledge base (the
    web app's own) words it, in the console's language."""
    return DeskTexts.from_env().say(f"errors.{key}", **values)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError(_refusal("must_not_be_empty"))
    return value.strip()


class TextBody(BaseModel):
    text: str = Field(..., min_length=1, max_length=MAX_MESSAGE_LENGTH)

    _not_blank = validator("text", allow_reuse=True)(_not_blank)


class NoteBody(BaseModel):
    text: str = Field(..., min_length=1, max_length=MAX_NOTE_LENGTH)

    _not_blank = validator("text", allow_reuse=True)(_not_blank)


class CommentBody(BaseModel):
    text: str = Field(..., min_length=1, max_length=MAX_NOTE_LENGTH)
    internal: bool = Field(False, description="An internal comment the customer never sees")

    _not_blank = validator("text", allow_reuse=True)(_not_blank)


class EventCursor(BaseModel):
    last_event_id: int


class EventOut(BaseModel):
    id: int
    handoff_id: int
    kind: str = Field(
        ...,
        description="escalated, customer_message, agent_message, note, claimed, returned, "
        "resolved, converted, customer_left, customer_back",
    )
    author_name: Optional[str]
    body: str
    internal: bool
    created_at: datetime
    ticket_ref: Optional[str] = Field(None, description="converted: the ticket the chat became")
    cause: Optional[str] = Field(
        None,
        description="converted: why (claim_timeout, customer_left, support_closed, agent, "
        "interrupted)",
    )
    channel: Optional[str] = Field(None, description='"email": the customer wrote it by email')
    email_status: Optional[str] = Field(
        None,
        description="An agent's message also sent by email (the customer had left the chat): "
        "queued, sending, sent, retrying, failed or bounced",
    )


class QueueItem(BaseModel):
    id: int
    conversation_id: str
    status: str
    reason: str
    reason_text: str
    priority: int
    created_at: datetime
    claimed_at: Optional[datetime]
    closed_at: Optional[datetime]
    waiting_seconds: int = Field(..., description="Since the bot handed the chat over")
    pickup_due: datetime = Field(..., description="When the tier's first-response target runs out")
    pickup_overdue: bool
    customer_id: Optional[str]
    customer_name: Optional[str]
    tier: str
    identity_verified: bool
    identity_method: Optional[str]
    agent_id: Optional[int]
    agent_name: Optional[str]
    customer_away: bool
    ticket_id: Optional[int]
    ticket_ref: Optional[str]
    sentiment: float
    language: str = Field(
        ..., description='The conversation\'s language ("en", "zh"): the customer reads the '
        "desk's notices, and should read the agent's replies, in it"
    )
    team_key: Optional[str] = Field(None, description="The team the chat is routed to, if any")
    team_name: Optional[str] = None
    converts_at: Optional[datetime] = Field(
        None, description="A waiting chat whose customer is away: when it becomes a ticket"
    )
    converts_in_seconds: Optional[int] = Field(
        None, description="The same, counted from now on the server's clock"
    )
    rank_reasons: List[str] = Field(
        default_factory=list,
        description="Why it ranks where it does: the tier's key (above the lowest), "
        '"urgent", "upset"',
    )
    customer_waiting_since: Optional[datetime] = Field(
        None, description="An active chat: since when the customer has waited for a reply"
    )
    customer_waiting_seconds: Optional[int] = None


class OrderOut(BaseModel):
    id: str
    placed_at: datetime
    status: str
    total: Decimal
    currency: str
    carrier: Optional[str]
    tracking_number: Optional[str]
    items: List[str]
    delivered_at: Optional[datetime]


class CommentOut(BaseModel):
    author_type: str
    author_name: Optional[str]
    body: str
    internal: bool
    created_at: datetime
    id: int = 0
    chat_delivery: Optional[str] = Field(
        None,
        description='For a public reply on a ticket from a chat: "pending" until it is '
        'in the customer\'s chat, then "delivered"',
    )
    channel: Optional[str] = Field(None, description='"email": the customer replied by email')
    email_status: Optional[str] = Field(
        None,
        description="A public reply also sent by email: queued, sending, sent, retrying, "
        "failed or bounced (details: GET /api/email/deliveries)",
    )


class SlaClockOut(BaseModel):
    due: Optional[datetime]
    done_at: Optional[datetime] = Field(
        None, description="When the first public reply was written / the ticket was solved"
    )
    state: Optional[str] = Field(
        None, description="met, breached, at_risk, on_track, or null without a target"
    )


class SlaOut(BaseModel):
    first_response: SlaClockOut
    resolution: SlaClockOut
    breached: bool = Field(..., description="A target was missed")
    at_risk: bool = Field(..., description="A target's last stretch of business time is running")
    next_due: Optional[datetime] = Field(None, description="The earliest due time still running")


class TicketOut(BaseModel):
    id: int
    ref: str
    conversation_id: Optional[str] = None
    customer_id: Optional[str]
    customer_name: Optional[str] = None
    customer_tier: Optional[str] = None
    order_id: Optional[str]
    category: str
    subject: str
    description: str
    urgency: str
    priority: int
    status: str
    created_at: datetime
    updated_at: datetime
    first_response_due: Optional[datetime]
    resolution_due: Optional[datetime] = None
    first_responded_at: Optional[datetime] = None
    solved_at: Optional[datetime] = None
    assignee_id: Optional[int] = None
    assignee_name: Optional[str] = None
    sla: Optional[SlaOut] = Field(None, description="How its targets stand now (ticket routes)")
    comments: List[CommentOut] = []


class ConversationTurnOut(BaseModel):
    role: str = Field(..., description='"customer", "bot" or "agent", in the order said')
    author_name: Optional[str] = Field(None, description="The agent's name, for agent turns")
    text: str
    at: Optional[datetime] = None


class TicketDetailOut(TicketOut):
    conversation: List[ConversationTurnOut] = Field(
        [], description="The chat the ticket came from, bot and customer turns in order"
    )
    details: Dict[str, Any] = Field({}, description="What the bot collected before the ticket")
    customer_url: Optional[str] = Field(None, description="The customer's record in the console")


class TicketUpdate(BaseModel):
    status: Optional[str] = Field(None, description=f"One of: {', '.join(TICKET_STATUSES)}")
    assignee_id: Optional[int] = Field(
        None, ge=1, le=2**31 - 1, description="The agent who takes it; null: nobody"
    )

    @validator("status")
    def _known(cls, value: Optional[str]) -> Optional[str]:  # noqa: N805 (pydantic validator)
        if value is not None and value not in TICKET_STATUSES:
            raise ValueError(_refusal("must_be_one_of", values=", ".join(TICKET_STATUSES)))
        return value


class TicketSummaryOut(BaseModel):
    open: int = Field(..., description="Open and pending tickets")
    breached: int = Field(..., description="Of them, those that missed a target")
    mine: int
    unassigned: int


class TicketEventOut(BaseModel):
    """What the live stream says to the agent a ticket is assigned to."""

    ticket_event_id: int
    ticket_id: int
    ticket_ref: str
    kind: str = Field(..., description="customer_replied")
    body: str
    created_at: datetime


class RatingOut(BaseModel):
    rating: int
    comment: Optional[str]
    created_at: datetime
    with_agent: bool


class CustomerOut(BaseModel):
    id: str
    name: str
    email: str
    phone: Optional[str]
    tier: str
    created_at: datetime


class MoneyOut(BaseModel):
    amount: Decimal
    currency: str


class CustomerRecordOut(BaseModel):
    customer: CustomerOut
    lifetime_spend: Decimal = Field(..., description="In the main currency (`currency`)")
    currency: str
    spend_by_currency: List[MoneyOut] = Field(..., description="Every currency, largest first")
    order_count: int
    lifecycle_stage: str
    churn_risk: str
    churn_reasons: List[str]
    average_rating: Optional[float]
    orders: List[OrderOut]
    tickets: List[TicketOut]
    ratings: List[RatingOut]


class TranscriptTurn(BaseModel):
    role: str = Field(..., description='"customer" or "bot"')
    text: str
    timestamp: Optional[float] = None
    intent: Optional[str] = None
    confidence: Optional[float] = None
    buttons: List[str] = []


class HandoffOut(BaseModel):
    handoff: QueueItem
    summary: str
    transcript: List[TranscriptTurn] = Field(
        ..., description="The conversation with the bot up to the handoff"
    )
    collected: Dict[str, Any] = Field(..., description="Every detail the bot collected")
    events: List[EventOut] = Field(..., description="Everything since the handoff, notes included")
    customer: Optional[CustomerRecordOut]
    last_event_id: int


class ActionOut(BaseModel):
    handoff: QueueItem
    event: Optional[EventOut] = None
    delivered: bool = Field(True, description="False when the customer's chat could not be told")
    ticket: Optional[TicketOut] = None


class StatusRequest(BaseModel):
    status: str = Field(..., description="online, away or offline", max_length=16)


class PresenceOut(BaseModel):
    id: int
    name: str
    email: str = Field(..., description="What a transfer to this agent names")
    role: str = Field(..., description="agent or admin")
    status: str = Field(
        ..., description="online, away (chosen, or idle too long) or offline, as others see it"
    )
    active_chats: int
    capacity: int = Field(..., description="how many chats automatic assignment gives at once")


class SupportHoursOut(BaseModel):
    open: bool = Field(..., description="Whether support is open now (chats reach the queue)")
    closes_at: Optional[datetime] = Field(None, description="When it closes, while open")
    opens_at: Optional[datetime] = Field(
        None, description="When it opens next, while closed (chats become tickets meanwhile)"
    )


class TransferBody(BaseModel):
    agent_email: Optional[str] = Field(None, max_length=320, description="Pass to this agent")
    team: Optional[str] = Field(None, max_length=40, description="Or to this team (its key)")
    note: str = Field("", max_length=MAX_NOTE_LENGTH, description="Why, for the agents only")


class TeamOut(BaseModel):
    key: str
    name: str
    members: List[str] = Field(..., description="The members' emails")


class SearchHitOut(BaseModel):
    kind: str = Field(..., description="ticket, chat or customer")
    ref: str = Field(..., description='"T-00042", a handoff id, or a customer id')
    title: str
    snippet: str = Field(..., description="The text around the first word found")
    at: Optional[datetime]


class ConvertBody(BaseModel):
    """What the agent chose in "Turn into ticket" (both, or neither)."""

    category: Optional[str] = Field(None, max_length=64, description="A ticket category's key")
    subject: Optional[str] = Field(None, max_length=200, description="1-200 characters")

    @validator("subject")
    def _subject_not_blank(cls, value: Optional[str]) -> Optional[str]:  # noqa: N805
        return None if value is None else _not_blank(value)


class CategoryOut(BaseModel):
    key: str
    label: str


class TicketDraftOut(BaseModel):
    categories: List[CategoryOut]
    category: Optional[str] = Field(None, description="The chat's guess among them, if any")
    subject: str = Field(..., description="A subject from the customer's own first words")
