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


class StatusBody(BaseModel):
    status: str = Field(..., description=f"One of: {', '.join(TICKET_STATUSES)}")

    @validator("status")
    def _known(cls, value: str) -> str:  # noqa: N805 (pydantic validator)
        if value not in TICKET_STATUSES:
            raise ValueError(_refusal("must_be_one_of", values=", ".join(TICKET_STATUSES)))
        return value


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


class TicketOut(BaseModel):
    id: int
    ref: str
    conversation_id: Optional[str] = None
    customer_id: Optional[str]
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
    comments: List[CommentOut] = []


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
