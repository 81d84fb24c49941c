"""The one interface through which Kefu reaches customer records and tickets.

`SqlCustomerRecords` (helpdesk/sql_records.py) is the first implementation. A
connector to the CRM a company already uses (Zoho CRM, 纷享销客, ...) implements the
same abstract class and the actions work unchanged, because they only ever see the
plain views defined here, never database rows.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple

from helpdesk.company import CompanyFacts
from helpdesk.parsing import format_ticket_ref
from helpdesk.ticket_sla import TicketSla, ticket_sla


class RecordsUnavailable(RuntimeError):
    """The backend holding the records cannot be reached (database down, CRM
    timeout). Callers apologise and offer a person instead of failing."""


class OrderNotCancellable(ValueError):
    """Only orders still "processing" can be cancelled."""

    def __init__(self, status: str) -> None:
        super().__init__(f"order is {status}")
        self.status = status


@dataclass(frozen=True)
class CustomerView:
    id: str
    name: str
    email: str
    phone: Optional[str]
    tier: str
    created_at: datetime

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name


@dataclass(frozen=True)
class OrderView:
    id: str
    customer_id: str
    placed_at: datetime
    status: str
    total: Decimal
    currency: str
    carrier: Optional[str]
    tracking_number: Optional[str]
    items: Tuple[Tuple[str, int], ...]
    delivered_at: Optional[datetime]


@dataclass(frozen=True)
class CommentView:
    author_type: str
    author_name: Optional[str]
    body: str
    internal: bool
    created_at: datetime
    id: int = 0
    # A public reply also said in the customer's chat: "pending" until it is there,
    # then "delivered"; None when there is nothing to deliver.
    chat_delivery: Optional[str] = None
    # "email": a customer's reply that came by email (None: written in Kefu).
    channel: Optional[str] = None
    # A public reply also sent by email: queued, sending, sent, retrying, failed,
    # bounced (None: not emailed).
    email_status: Optional[str] = None


@dataclass(frozen=True)
class TicketView:
    id: int
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
    comments: Tuple[CommentView, ...] = ()
    conversation_id: Optional[str] = None  # the chat it came from, if any
    customer_name: Optional[str] = None
    customer_tier: Optional[str] = None
    assignee_id: Optional[int] = None
    assignee_name: Optional[str] = None
    resolution_due: Optional[datetime] = None
    first_responded_at: Optional[datetime] = None
    solved_at: Optional[datetime] = None
    # What the bot gathered (details, transcript, the handoff it came from).
    context: Dict[str, Any] = field(default_factory=dict)
    # How its targets stand; filled in by `with_sla` (the records know no calendar).
    sla: Optional[TicketSla] = None
    # Where the customer is answered by email (None: no address); how it came in.
    contact_email: Optional[str] = None
    source: str = "chat"

    @property
    def ref(self) -> str:
        return format_ticket_ref(self.id)

    def with_sla(self, facts: CompanyFacts, now: datetime) -> TicketView:
        """This ticket with its service-level clocks as they stand at `now`."""
        return replace(
            self,
            sla=ticket_sla(
                facts,
                self.customer_tier,
                self.created_at,
                self.first_response_due,
                self.first_responded_at,
                self.resolution_due,
                self.solved_at,
                now,
            ),
        )

    @property
    def is_open(self) -> bool:
        return self.status in ("open", "pending")


@dataclass(frozen=True)
class PendingChatReply:
    comment_id: int
    ticket_ref: str
    conversation_id: str
    author_name: Optional[str]
    body: str
    # The conversation's language when the ticket was opened (its context's
    # "language"), else None: the default language.
    language: Optional[str] = None


@dataclass
class NewTicket:
    """A ticket about to be opened; `context` keeps what the bot gathered."""

    category: str
    subject: str
    description: str
    urgency: str
    priority: int
    customer_id: Optional[str] = None
    order_id: Optional[str] = None
    conversation_id: Optional[str] = None
    source: str = "chat"
    contact_email: Optional[str] = None
    first_response_due: Optional[datetime] = None
    resolution_due: Optional[datetime] = None
    context: Dict[str, Any] = field(default_factory=dict)
    # The same request (a retried confirmation, say) opens no second ticket: the
    # ticket opened under this key is returned instead.
    request_key: Optional[str] = None


@dataclass(frozen=True)
class TicketFilter:
    """Which tickets the agents' list shows. Every field left empty matches all."""

    statuses: Tuple[str, ...] = ()
    # An agent's id; `unassigned` instead: only tickets nobody has taken.
    assignee_id: Optional[int] = None
    unassigned: bool = False
    category: Optional[str] = None
    urgency: Optional[str] = None
    tier: Optional[str] = None  # the customer's tier
    breached_only: bool = False  # a target missed (answered late, or overdue now)


@dataclass(frozen=True)
class TicketCounts:
    """Open and pending tickets, for the list's header."""

    open: int
    breached: int
    mine: int
    unassigned: int


@dataclass(frozen=True)
class TicketEventView:
    """Something an agent must hear about a ticket (models.TicketEvent)."""

    id: int
    ticket_id: int
    agent_id: Optional[int]
    kind: str
    body: str
    created_at: datetime

    @property
    def ticket_ref(self) -> str:
        return format_ticket_ref(self.ticket_id)


class CustomerRecords(ABC):
    """Customers, their orders and their tickets."""

    @abstractmethod
    def get_customer(self, customer_id: str) -> Optional[CustomerView]: ...

    @abstractmethod
    def find_customer_by_email(self, email: str) -> Optional[CustomerView]: ...

    @abstractmethod
    def search_customers(self, query: str = "", limit: int = 50) -> List[CustomerView]:
        """Customers whose id, name or email contains `query`, by id."""

    @abstractmethod
    def get_order(self, order_id: str) -> Optional[OrderView]: ...

    @abstractmethod
    def list_orders(self, customer_id: str, limit: int = 10) -> List[OrderView]:
        """The customer's orders, most recent first."""

    @abstractmethod
    def cancel_order(self, order_id: str, conversation_id: Optional[str] = None) -> OrderView:
        """Cancels a processing order; raises `OrderNotCancellable` otherwise. An
        order this same conversation cancelled already counts as cancelled again
        (a retried "yes" after a crash is told the truth, not "nothing to cancel")."""

    @abstractmethod
    def list_tickets(self, customer_id: str, open_only: bool = False) -> List[TicketView]:
        """The customer's tickets, most recent first."""

    @abstractmethod
    def get_ticket(self, ticket_id: int) -> Optional[TicketView]: ...

    @abstractmethod
    def open_tickets_for_conversation(self, conversation_id: str) -> List[TicketView]:
        """Open tickets that a chat conversation created, newest first."""

    @abstractmethod
    def create_ticket(self, ticket: NewTicket) -> TicketView:
        """Opens the ticket, or returns the one already opened under its
        `request_key`."""

    @abstractmethod
    def add_ticket_comment(
        self,
        ticket_id: int,
        author_type: str,
        author_name: Optional[str],
        body: str,
        internal: bool = False,
        to_chat: bool = False,
        channel: Optional[str] = None,
    ) -> TicketView:
        """`channel` "email": a customer's emailed reply. `to_chat`: a public reply the customer should also get in the chat the
        ticket came from (its comment waits as "pending" until delivered). The
        first public agent comment is the first response; a customer's comment on
        a pending or solved ticket reopens it, and the agent it is assigned to is
        told (a `TicketEventView`)."""

    @abstractmethod
    def pending_chat_replies(self, limit: int = 50) -> List[PendingChatReply]:
        """Public replies not yet delivered to their ticket's chat, oldest first."""

    @abstractmethod
    def mark_chat_reply_delivered(self, comment_id: int) -> None: ...

    @abstractmethod
    def find_tickets(
        self,
        where: TicketFilter,
        now: datetime,
        limit: int = 50,
        offset: int = 0,
    ) -> List[TicketView]:
        """All customers' tickets that `where` lets through (the agents' ticket
        list), what is due first first: by the earliest due time of a target still
        running (the first response until an agent answered, then the resolution),
        then the most urgent; solved and closed tickets last, newest first."""

    @abstractmethod
    def count_tickets(self, agent_id: int, now: datetime) -> TicketCounts: ...

    @abstractmethod
    def set_ticket_status(self, ticket_id: int, status: str) -> TicketView:
        """Raises KeyError for an unknown ticket, ValueError for an unknown status.
        Solved or closed starts `solved_at` (once); open or pending clears it."""

    @abstractmethod
    def set_ticket_assignee(self, ticket_id: int, agent_id: Optional[int]) -> TicketView:
        """Gives the ticket to an agent (None: nobody). Raises KeyError for an
        unknown ticket, ValueError for an unknown agent."""

    @abstractmethod
    def ticket_events_after(
        self, after_id: int, agent_id: Optional[int] = None, limit: int = 100
    ) -> List[TicketEventView]:
        """Ticket events newer than the cursor, oldest first (only `agent_id`'s)."""

    @abstractmethod
    def latest_ticket_event_id(self) -> int: ...

    @abstractmethod
    def set_ticket_contact_email(self, ticket_id: int, email: str) -> TicketView:
        """Where the ticket's answer can be emailed: an anonymous visitor gives an
        address after their chat became a ticket (actions/contact_email.py). Raises
        KeyError for an unknown ticket, ValueError for an empty or overlong address."""
