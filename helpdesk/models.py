"""SQLAlchemy models: the customer record (customers, orders, tickets), what Kefu
itself keeps about conversations (handoffs and their live events, ratings, FAQ
feedback) and the support agents who sign in to the console.

Timestamps are stored as naive UTC and handed out as aware UTC datetimes, so SQLite
and PostgreSQL behave the same and no caller has to guess a time zone.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

TIERS = ("standard", "plus", "premier")
ORDER_STATUSES = ("processing", "shipped", "delivered", "cancelled", "returned")
TICKET_STATUSES = ("open", "pending", "solved", "closed")
OPEN_TICKET_STATUSES = ("open", "pending")
URGENCIES = ("low", "normal", "high")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UtcDateTime(TypeDecorator):
    """A DateTime that always comes back timezone-aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Any) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: Optional[datetime], dialect: Any) -> Any:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class Money(TypeDecorator):
    """An amount stored as whole cents, so SQLite and PostgreSQL both keep it exact."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Optional[Decimal], dialect: Any) -> Any:
        if value is None:
            return None
        return int((Decimal(value) * 100).to_integral_value(rounding=ROUND_HALF_UP))

    def process_result_value(self, value: Optional[int], dialect: Any) -> Any:
        if value is None:
            return None
        return (Decimal(value) / 100).quantize(Decimal("0.01"))


class Customer(Base):
    __tablename__ = "customers"

    id = Column(String(32), primary_key=True)
    name = Column(String(200), nullable=False)
    email = Column(String(320), nullable=False, unique=True, index=True)
    phone = Column(String(40))
    tier = Column(String(16), nullable=False, default="standard")
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)

    orders = relationship("Order", back_populates="customer", order_by="Order.placed_at")
    tickets = relationship("Ticket", back_populates="customer", order_by="Ticket.id")


class Order(Base):
    __tablename__ = "orders"

    id = Column(String(16), primary_key=True)  # "BW-104233"
    customer_id = Column(String(32), ForeignKey("customers.id"), nullable=False, index=True)
    placed_at = Column(UtcDateTime, nullable=False)
    status = Column(String(16), nullable=False)
    total = Column(Money, nullable=False)
    currency = Column(String(3), nullable=False, default="USD")
    carrier = Column(String(40))
    tracking_number = Column(String(64))
    items = Column(Text, nullable=False, default="")  # 'Aurora 55" TV x1; HDMI cable x2'
    delivered_at = Column(UtcDateTime)
    updated_at = Column(UtcDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    # The conversation that cancelled it, so a retried "yes" is told "cancelled".
    cancel_request_key = Column(String(128))

    customer = relationship("Customer", back_populates="orders")


class Ticket(Base):
    __tablename__ = "tickets"

    id = Column(Integer, primary_key=True, autoincrement=True)
    customer_id = Column(String(32), ForeignKey("customers.id"), index=True)
    order_id = Column(String(16), ForeignKey("orders.id"))
    conversation_id = Column(String(128), index=True)
    category = Column(String(32), nullable=False)
    subject = Column(String(200), nullable=False)
    description = Column(Text, nullable=False)
    urgency = Column(String(16), nullable=False, default="normal")
    priority = Column(Integer, nullable=False, default=0)
    status = Column(String(16), nullable=False, default="open")
    source = Column(String(16), nullable=False, default="chat")
    contact_email = Column(String(320))
    context = Column(JSON)  # what the bot gathered: details, transcript, reason
    # The confirmation that opened it (one per ticket form run): a retry of the same
    # confirmation, after a crash say, finds this ticket instead of opening another.
    request_key = Column(String(64))
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)
    updated_at = Column(UtcDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    first_response_due = Column(UtcDateTime)
    # The service levels (helpdesk/ticket_sla.py), added after the first releases
    # (`Database.create_schema` adds them; older tickets read NULL): who works on
    # it, when it must be solved, when an agent first answered in public, when it
    # was solved or closed.
    assignee_id = Column(Integer, ForeignKey("agents.id"), index=True)
    resolution_due = Column(UtcDateTime)
    first_responded_at = Column(UtcDateTime)
    solved_at = Column(UtcDateTime)

    customer = relationship("Customer", back_populates="tickets")
    assignee = relationship("Agent")
    order = relationship("Order")
    comments = relationship("TicketComment", back_populates="ticket", order_by="TicketComment.id")

    __table_args__ = (Index("ux_tickets_request_key", "request_key", unique=True),)


class TicketComment(Base):
    __tablename__ = "ticket_comments"

    id = Column(Integer, primary_key=True, autoincrement=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id"), nullable=False, index=True)
    author_type = Column(String(16), nullable=False)  # customer | agent | bot | system
    author_name = Column(String(200))
    body = Column(Text, nullable=False)
    internal = Column(Boolean, nullable=False, default=False)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)
    # A public reply on a ticket that came from a chat is also said in that chat:
    # "pending" until Rasa has it, then "delivered" (None: nothing to deliver).
    chat_delivery = Column(String(16), index=True)
    # How the comment came or went besides the console: "email" for a customer's
    # emailed reply (helpdesk/email/); NULL for everything written in Kefu.
    channel = Column(String(8))
    # A public reply that also went out by email: that message's delivery (queued,
    # sending, sent, retrying, failed, bounced; helpdesk/email/outbox.py keeps it).
    email_status = Column(String(12))

    ticket = relationship("Ticket", back_populates="comments")


class Handoff(Base):
    """A conversation the bot passed to a person, with everything it knew."""

    __tablename__ = "handoffs"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(128), nullable=False, index=True)
    customer_id = Column(String(32), ForeignKey("customers.id"), index=True)
    identity_method = Column(String(16))  # token | verification | None (anonymous)
    reason = Column(String(32), nullable=False)
    reason_detail = Column(Text)
    # waiting (in the queue) -> active (an agent holds it) -> resolved / returned to
    # the bot / converted into a ticket
    status = Column(String(16), nullable=False, default="waiting")
    priority = Column(Integer, nullable=False, default=0)
    sentiment = Column(Float, nullable=False, default=0.0)
    transcript = Column(JSON, nullable=False)
    collected = Column(JSON, nullable=False)
    ticket_id = Column(Integer, ForeignKey("tickets.id"))
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)
    claimed_at = Column(UtcDateTime)
    closed_at = Column(UtcDateTime)
    agent_id = Column(Integer, ForeignKey("agents.id"), index=True)
    # Set while the customer's chat window is closed (socket disconnected); a waiting
    # chat whose customer stays away becomes a ticket.
    customer_left_at = Column(UtcDateTime)
    # The conversation's language ("en", "zh"), in which the desk's notices reach
    # the customer. Added after the first releases: `Database.create_schema` adds it
    # to an existing table, where the older chats read NULL (the default language).
    language = Column(String(8))
    # The team the routing rules sent the chat to (NULL: any agent), and how it was
    # given to its agent: "auto" by the assigner, NULL when an agent claimed it.
    team_id = Column(Integer, ForeignKey("teams.id"), index=True)
    assigned_by = Column(String(8))
    # The transcript as plain text, for search (the JSON above escapes Chinese).
    transcript_text = Column(Text)
    # What the waiting customer was last told (helpdesk/handoffs/queue_position.py):
    # their place in the queue, when the wait they were quoted runs out (NULL: none
    # was quoted), when they last heard it is taking longer, and when a message they
    # typed while waiting was last acknowledged (helpdesk/handoffs/waiting_ack.py).
    queue_told_position = Column(Integer)
    queue_estimate_due = Column(UtcDateTime)
    queue_late_told_at = Column(UtcDateTime)
    waiting_acked_at = Column(UtcDateTime)
    # When the customer last typed in their chat window (helpdesk/typing_signals.py:
    # one column rewritten every few seconds, not an event per keystroke).
    customer_typing_at = Column(UtcDateTime, index=True)
    # Where the customer can be emailed when they leave the chat before an agent
    # answers: the address they gave the bot (their customer record's otherwise).
    contact_email = Column(String(320))

    customer = relationship("Customer")
    ticket = relationship("Ticket")
    agent = relationship("Agent")
    team = relationship("Team")

    @property
    def identity_verified(self) -> bool:
        return self.identity_method is not None


class HandoffEvent(Base):
    """One thing that happened in a handed-off chat, in order: the customer's and the
    agent's messages, internal notes, claims, hand-backs... The console streams
    these; `id` is the cursor it resumes from."""

    __tablename__ = "handoff_events"

    id = Column(Integer, primary_key=True, autoincrement=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id"), nullable=False, index=True)
    kind = Column(String(24), nullable=False)
    author_name = Column(String(200))
    body = Column(Text, nullable=False, default="")
    internal = Column(Boolean, nullable=False, default=False)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)
    # A chat that became a ticket ("converted"): the ticket's reference and why
    # (claim_timeout, customer_left, support_closed, agent...), so consoles can say so.
    ticket_ref = Column(String(32))
    cause = Column(String(24))
    # "email": a customer's message that came by email; NULL: the chat.
    channel = Column(String(8))
    # An agent's message that also went out by email (the customer had left):
    # its delivery, kept by helpdesk/email/outbox.py.
    email_status = Column(String(12))
    # A customer's chat message: the widget's id for it, so one sent again after a
    # lost connection is kept once (NULL: no id, or not a customer's message).
    client_message_id = Column(String(64))


class TicketEvent(Base):
    """Something an agent must hear about a ticket (the customer replied on it),
    addressed to the agent it is for. The console's live stream carries these
    beside the handoff events (webapp/routers/handoffs.py); they are their own
    table because a handoff event always belongs to a chat (`handoff_id` is NOT NULL
    in every existing database, and SQLite cannot relax that without rebuilding a
    table the search index hangs on), and chat searches should not find them."""

    __tablename__ = "ticket_events"

    id = Column(Integer, primary_key=True, autoincrement=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id"), nullable=False, index=True)
    agent_id = Column(Integer, ForeignKey("agents.id"), index=True)  # whom to tell
    kind = Column(String(24), nullable=False)  # customer_replied
    body = Column(Text, nullable=False, default="")
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)


class Agent(Base):
    """A support agent who signs in to the console."""

    __tablename__ = "agents"

    id = Column(Integer, primary_key=True, autoincrement=True)
    email = Column(String(320), nullable=False, unique=True, index=True)
    name = Column(String(200), nullable=False)
    password_hash = Column(String(255), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(UtcDateTime)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)
    # Added with routing (NULL in older databases reads as the default): "agent" or
    # "admin"; the status the agent chose (online, away, offline) and when the
    # console last saw them active (away after a while idle); how many chats they
    # take at once.
    role = Column(String(16))
    status = Column(String(16))
    last_active_at = Column(UtcDateTime)
    capacity = Column(Integer)
    last_assigned_at = Column(UtcDateTime)


class Team(Base):
    """A group of agents chats are routed to ("billing", "technical", "privacy")."""

    __tablename__ = "teams"

    id = Column(Integer, primary_key=True, autoincrement=True)
    key = Column(String(40), nullable=False, unique=True)
    name = Column(String(200), nullable=False)


class TeamMember(Base):
    __tablename__ = "team_members"

    team_id = Column(Integer, ForeignKey("teams.id"), primary_key=True)
    agent_id = Column(Integer, ForeignKey("agents.id"), primary_key=True, index=True)


class RoutingRule(Base):
    """Sends a chat to a team when everything the rule names matches (a NULL field
    matches anything); the rules are tried in `position` order, the first wins."""

    __tablename__ = "routing_rules"

    id = Column(Integer, primary_key=True, autoincrement=True)
    position = Column(Integer, nullable=False, default=0)
    team_id = Column(Integer, ForeignKey("teams.id"), nullable=False)
    reason = Column(String(32))
    category = Column(String(32))
    tier = Column(String(16))
    language = Column(String(8))

    team = relationship("Team")


class CannedReply(Base):
    """A reply the admin wrote for agents to insert with `/shortcut` (see
    helpdesk/canned_replies.py); placeholders like {first_name} are filled from the
    chat when it is inserted. Seeded from knowledge_base/canned_replies.yml when
    the table is created; from then on the admin edits the rows."""

    __tablename__ = "canned_replies"

    id = Column(Integer, primary_key=True, autoincrement=True)
    shortcut = Column(String(40), nullable=False)
    language = Column(String(8), nullable=False)
    title = Column(String(200), nullable=False)
    body = Column(Text, nullable=False)
    team_id = Column(Integer, ForeignKey("teams.id"), index=True)
    updated_at = Column(UtcDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    team = relationship("Team")

    __table_args__ = (
        Index("ux_canned_replies_language_shortcut", "language", "shortcut", unique=True),
    )


class AgentSession(Base):
    """A signed-in console session. Only a hash of the token is stored, so a copy
    of the database does not let anyone sign in."""

    __tablename__ = "agent_sessions"

    token_hash = Column(String(64), primary_key=True)
    agent_id = Column(Integer, ForeignKey("agents.id"), nullable=False, index=True)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)
    expires_at = Column(UtcDateTime, nullable=False)

    agent = relationship("Agent")


class ConversationRating(Base):
    __tablename__ = "conversation_ratings"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(128), nullable=False, index=True)
    # The chat with a person this rating is about, when an agent resolved it.
    handoff_id = Column(Integer, ForeignKey("handoffs.id"), index=True)
    customer_id = Column(String(32), ForeignKey("customers.id"), index=True)
    rating = Column(Integer, nullable=False)
    comment = Column(Text)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)


class FaqFeedback(Base):
    __tablename__ = "faq_feedback"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(128), nullable=False, index=True)
    topic = Column(String(64), nullable=False, index=True)
    question = Column(Text)
    helpful = Column(Boolean, nullable=False)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)


class ConversationIdentity(Base):
    """Who a conversation has proved to be, as Kefu's actions established it.

    The conversation's slots only repeat this for the dialogue; the actions check
    this row (or the website's signed token on the message itself), so a tracker
    sent with made-up slots proves nothing. A conversation belongs to at most one
    customer: a token for someone else does not open their account in it."""

    __tablename__ = "conversation_identities"

    conversation_id = Column(String(128), primary_key=True)
    customer_id = Column(String(32), ForeignKey("customers.id"), nullable=False, index=True)
    method = Column(String(16), nullable=False)  # token | verification
    verified_at = Column(UtcDateTime, nullable=False, default=utcnow)


class Attempt(Base):
    """One try at something that guessing must not win: a customer's email + order
    verification, an agent's password. Counted per key (an email address, a client
    address) across conversations and sessions; see helpdesk/attempts.py."""

    __tablename__ = "attempts"

    id = Column(Integer, primary_key=True, autoincrement=True)
    scope = Column(String(24), nullable=False)
    key_hash = Column(String(64), nullable=False)
    outcome = Column(String(8), nullable=False)  # pending | failure | success | refused
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ix_attempts_scope_key", "scope", "key_hash", "id"),)
