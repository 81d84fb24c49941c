"""`CustomerRecords` on Kefu's own SQL database (SQLite or PostgreSQL)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from typing import Any, Iterator, List, Optional

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, selectinload

from helpdesk import ticket_queries
from helpdesk.db import Database
from helpdesk.models import (
    OPEN_TICKET_STATUSES,
    TICKET_STATUSES,
    Agent,
    Customer,
    Order,
    Ticket,
    TicketComment,
    TicketEvent,
    utcnow,
)
from helpdesk.parsing import format_ticket_ref
from helpdesk.record_rows import customer_view, order_view, ticket_event_view, ticket_view
from helpdesk.records import (
    CustomerRecords,
    CustomerView,
    NewTicket,
    OrderNotCancellable,
    OrderView,
    PendingChatReply,
    RecordsUnavailable,
    TicketCounts,
    TicketEventView,
    TicketFilter,
    TicketView,
)

# Statuses that stop the resolution clock (`solved_at`).
DONE_STATUSES = ("solved", "closed")
# What a customer's comment shows of itself in the note that tells the assignee.
REPLY_EXCERPT = 200
# Loaded with every ticket: its comments, its customer's name and tier, its assignee.
TICKET_LOADS = (
    selectinload(Ticket.comments),
    selectinload(Ticket.customer),
    selectinload(Ticket.assignee),
)


@contextmanager
def unit_of_work(db: Database) -> Iterator[Session]:
    """A session whose connection failures surface as `RecordsUnavailable`; other
    database errors (a violated constraint, say) are bugs and propagate as they are."""
    try:
        with db.session() as session:
            yield session
    except (OperationalError, InterfaceError) as error:
        raise RecordsUnavailable(str(error).splitlines()[0]) from error


class SqlCustomerRecords(CustomerRecords):
    def __init__(self, db: Database) -> None:
        self.db = db

    def get_customer(self, customer_id: str) -> Optional[CustomerView]:
        with unit_of_work(self.db) as session:
            row = session.get(Customer, customer_id)
            return customer_view(row) if row else None

    def find_customer_by_email(self, email: str) -> Optional[CustomerView]:
        with unit_of_work(self.db) as session:
            row = session.execute(
                select(Customer).where(Customer.email == email.strip().lower())
            ).scalar_one_or_none()
            return customer_view(row) if row else None

    def search_customers(self, query: str = "", limit: int = 50) -> List[CustomerView]:
        with unit_of_work(self.db) as session:
            statement = select(Customer).order_by(Customer.id).limit(limit)
            needle = query.strip().lower()
            if needle:
                escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                pattern = f"%{escaped}%"
                statement = statement.where(
                    Customer.id.ilike(pattern, escape="\\")
                    | Customer.name.ilike(pattern, escape="\\")
                    | Customer.email.ilike(pattern, escape="\\")
                )
            return [customer_view(row) for row in session.execute(statement).scalars()]

    def get_order(self, order_id: str) -> Optional[OrderView]:
        with unit_of_work(self.db) as session:
            row = session.get(Order, order_id)
            return order_view(row) if row else None

    def list_orders(self, customer_id: str, limit: int = 10) -> List[OrderView]:
        with unit_of_work(self.db) as session:
            rows = session.execute(
                select(Order)
                .where(Order.customer_id == customer_id)
                .order_by(Order.placed_at.desc(), Order.id.desc())
                .limit(limit)
            ).scalars()
            return [order_view(row) for row in rows]

    def cancel_order(self, order_id: str, conversation_id: Optional[str] = None) -> OrderView:
        with unit_of_work(self.db) as session:
            row = session.get(Order, order_id, with_for_update=True)
            if row is None:
                raise KeyError(order_id)
            again = conversation_id is not None and row.cancel_request_key == conversation_id
            if row.status == "cancelled" and again:
                return order_view(row)
            if row.status != "processing":
                raise OrderNotCancellable(row.status)
            row.status = "cancelled"
            row.cancel_request_key = conversation_id
            session.flush()
            return order_view(row)

    def list_tickets(self, customer_id: str, open_only: bool = False) -> List[TicketView]:
        with unit_of_work(self.db) as session:
            query = (
                select(Ticket)
                .options(*TICKET_LOADS)
                .where(Ticket.customer_id == customer_id)
                .order_by(Ticket.created_at.desc(), Ticket.id.desc())
            )
            if open_only:
                query = query.where(Ticket.status.in_(OPEN_TICKET_STATUSES))
            return [ticket_view(row) for row in session.execute(query).scalars()]

    def get_ticket(self, ticket_id: int) -> Optional[TicketView]:
        with unit_of_work(self.db) as session:
            row = session.get(Ticket, ticket_id, options=list(TICKET_LOADS))
            return ticket_view(row) if row else None

    def open_tickets_for_conversation(self, conversation_id: str) -> List[TicketView]:
        with unit_of_work(self.db) as session:
            rows = session.execute(
                select(Ticket)
                .options(*TICKET_LOADS)
                .where(
                    Ticket.conversation_id == conversation_id,
                    Ticket.status.in_(OPEN_TICKET_STATUSES),
                )
                .order_by(Ticket.id.desc())
            ).scalars()
            return [ticket_view(row) for row in rows]

    def create_ticket(self, ticket: NewTicket) -> TicketView:
        try:
            return self._create_ticket(ticket)
        except IntegrityError:
            # The same request, a moment earlier, from another process: that ticket.
            existing = self._ticket_by_request_key(ticket.request_key)
            if existing is None:
                raise
            return existing

    def _ticket_by_request_key(self, request_key: Optional[str]) -> Optional[TicketView]:
        if not request_key:
            return None
        with unit_of_work(self.db) as session:
            row = session.execute(
                select(Ticket).options(*TICKET_LOADS).where(Ticket.request_key == request_key)
            ).scalar_one_or_none()
            return ticket_view(row) if row else None

    def _create_ticket(self, ticket: NewTicket) -> TicketView:
        existing = self._ticket_by_request_key(ticket.request_key)
        if existing is not None:
            return existing
        with unit_of_work(self.db) as session:
            row = Ticket(
                customer_id=ticket.customer_id,
                order_id=ticket.order_id,
                conversation_id=ticket.conversation_id,
                category=ticket.category,
                subject=ticket.subject[:200],
                description=ticket.description,
                urgency=ticket.urgency,
                priority=ticket.priority,
                status="open",
                source=ticket.source,
                contact_email=ticket.contact_email,
                context=ticket.context,
                first_response_due=ticket.first_response_due,
                resolution_due=ticket.resolution_due,
                request_key=ticket.request_key,
            )
            session.add(row)
            session.flush()
            session.expire(row, ["comments"])
            return ticket_view(row)

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
        with unit_of_work(self.db) as session:
            row = session.get(Ticket, ticket_id)
            if row is None:
                raise KeyError(ticket_id)
            deliver = to_chat and not internal and bool(row.conversation_id)
            session.add(
                TicketComment(
                    ticket_id=ticket_id,
                    author_type=author_type,
                    author_name=author_name,
                    body=body,
                    internal=internal,
                    chat_delivery="pending" if deliver else None,
                    channel=channel,
                )
            )
            now = utcnow()
            if author_type == "agent" and not internal and row.first_responded_at is None:
                row.first_responded_at = now
            if author_type == "customer":
                self._customer_replied(session, row, body, now)
            row.updated_at = now
            session.flush()
            session.expire(row, ["comments"])
            return ticket_view(row)

    def _customer_replied(self, session: Session, row: Ticket, body: str, now: datetime) -> None:
        """New information from the customer: a ticket waiting on them (pending) or
        solved is open again, and whoever has it is told."""
        if row.status in ("pending", "solved"):
            row.status = "open"
            row.solved_at = None
        if row.assignee_id is not None:
            excerpt = " ".join(body.split())
            if len(excerpt) > REPLY_EXCERPT:
                excerpt = excerpt[:REPLY_EXCERPT] + "…"
            session.add(
                TicketEvent(
                    ticket_id=row.id,
                    agent_id=row.assignee_id,
                    kind="customer_replied",
                    body=excerpt,
                    created_at=now,
                )
            )

    def pending_chat_replies(self, limit: int = 50) -> List[PendingChatReply]:
        with unit_of_work(self.db) as session:
            rows = session.execute(
                select(TicketComment, Ticket.conversation_id, Ticket.context)
                .join(Ticket, Ticket.id == TicketComment.ticket_id)
                .where(TicketComment.chat_delivery == "pending")
                .order_by(TicketComment.id)
                .limit(limit)
            ).all()
            return [
                PendingChatReply(
                    comment_id=comment.id,
                    ticket_ref=format_ticket_ref(comment.ticket_id),
                    conversation_id=conversation_id,
                    author_name=comment.author_name,
                    body=comment.body,
                    language=_language_of(context),
                )
                for comment, conversation_id, context in rows
            ]

    def mark_chat_reply_delivered(self, comment_id: int) -> None:
        with unit_of_work(self.db) as session:
            session.execute(
                update(TicketComment)
                .where(TicketComment.id == comment_id)
                .values(chat_delivery="delivered")
            )

    def find_tickets(
        self,
        where: TicketFilter,
        now: datetime,
        limit: int = 50,
        offset: int = 0,
    ) -> List[TicketView]:
        with unit_of_work(self.db) as session:
            query = ticket_queries.filtered(select(Ticket).options(*TICKET_LOADS), where, now)
            query = ticket_queries.due_first(query).limit(limit).offset(offset)
            return [ticket_view(row) for row in session.execute(query).scalars()]

    def count_tickets(self, agent_id: int, now: datetime) -> TicketCounts:
        with unit_of_work(self.db) as session:
            total, breached, mine, unassigned = session.execute(
                ticket_queries.open_counts(agent_id, now)
            ).one()
            return TicketCounts(
                open=int(total), breached=int(breached), mine=int(mine), unassigned=int(unassigned)
            )

    def set_ticket_status(self, ticket_id: int, status: str) -> TicketView:
        if status not in TICKET_STATUSES:
            raise ValueError(f"a ticket's status is one of {', '.join(TICKET_STATUSES)}")
        with unit_of_work(self.db) as session:
            row = session.get(Ticket, ticket_id)
            if row is None:
                raise KeyError(ticket_id)
            now = utcnow()
            if status in DONE_STATUSES:
                row.solved_at = row.solved_at or now
            else:
                row.solved_at = None  # reopened: the resolution clock runs again
            row.status = status
            row.updated_at = now
            session.flush()
            session.expire(row, ["comments"])
            return ticket_view(row)

    def set_ticket_assignee(self, ticket_id: int, agent_id: Optional[int]) -> TicketView:
        with unit_of_work(self.db) as session:
            row = session.get(Ticket, ticket_id)
            if row is None:
                raise KeyError(ticket_id)
            if agent_id is not None and session.get(Agent, agent_id) is None:
                raise ValueError(f"no agent {agent_id}")
            row.assignee_id = agent_id
            row.updated_at = utcnow()
            session.flush()
            session.expire(row, ["comments", "assignee"])
            return ticket_view(row)

    def ticket_events_after(
        self, after_id: int, agent_id: Optional[int] = None, limit: int = 100
    ) -> List[TicketEventView]:
        query = select(TicketEvent).where(TicketEvent.id > after_id)
        if agent_id is not None:
            query = query.where(TicketEvent.agent_id == agent_id)
        with unit_of_work(self.db) as session:
            rows = session.execute(query.order_by(TicketEvent.id).limit(limit)).scalars()
            return [ticket_event_view(row) for row in rows]

    def latest_ticket_event_id(self) -> int:
        with unit_of_work(self.db) as session:
            last = session.execute(select(func.max(TicketEvent.id))).scalar_one_or_none()
            return int(last or 0)

    def set_ticket_contact_email(self, ticket_id: int, email: str) -> TicketView:
        address = email.strip()
        if not address or len(address) > 320:  # the column's size
            raise ValueError("a contact email is 1 to 320 characters")
        with unit_of_work(self.db) as session:
            row = session.get(Ticket, ticket_id)
            if row is None:
                raise KeyError(ticket_id)
            row.contact_email = address
            row.updated_at = utcnow()
            session.flush()
            session.expire(row, ["comments"])
            return ticket_view(row)


def _language_of(context: Any) -> Optional[str]:
    language = context.get("language") if isinstance(context, dict) else None
    return language if isinstance(language, str) else None
