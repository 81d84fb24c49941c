"""The agents' ticket list in SQL: its filters, its due-first order and the
breach count, so the database sorts and pages it (helpdesk/sql_records.py runs
them). What "breached" means is helpdesk/ticket_sla.py's; this is the same rule
written as a query, over the stored due and done times."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from helpdesk.models import OPEN_TICKET_STATUSES, Customer, Ticket
from helpdesk.records import TicketFilter


def breached_condition(now: datetime) -> Any:
    """A target missed: answered or solved after it was due, or still undone past due."""
    first_missed = and_(
        Ticket.first_response_due.is_not(None),
        or_(
            and_(Ticket.first_responded_at.is_(None), Ticket.first_response_due < now),
            Ticket.first_responded_at > Ticket.first_response_due,
        ),
    )
    resolution_missed = and_(
        Ticket.resolution_due.is_not(None),
        or_(
            and_(Ticket.solved_at.is_(None), Ticket.resolution_due < now),
            Ticket.solved_at > Ticket.resolution_due,
        ),
    )
    return or_(first_missed, resolution_missed)


def next_due() -> Any:
    """The due time of the first target still running: the first response until an
    agent has answered, then the resolution (NULL when nothing is due)."""
    return case(
        (
            and_(Ticket.first_responded_at.is_(None), Ticket.first_response_due.is_not(None)),
            Ticket.first_response_due,
        ),
        (Ticket.solved_at.is_(None), Ticket.resolution_due),
        else_=None,
    )


def filtered(query: Any, where: TicketFilter, now: datetime) -> Any:
    if where.statuses:
        query = query.where(Ticket.status.in_(where.statuses))
    if where.unassigned:
        query = query.where(Ticket.assignee_id.is_(None))
    elif where.assignee_id is not None:
        query = query.where(Ticket.assignee_id == where.assignee_id)
    if where.category:
        query = query.where(Ticket.category == where.category)
    if where.urgency:
        query = query.where(Ticket.urgency == where.urgency)
    if where.tier:
        query = query.where(
            Ticket.customer_id.in_(select(Customer.id).where(Customer.tier == where.tier))
        )
    if where.breached_only:
        query = query.where(breached_condition(now))
    return query


def due_first(query: Any) -> Any:
    """Open and pending first, by what is due first (nothing due after the rest),
    then the most urgent; solved and closed after them, the latest first."""
    closed = case((Ticket.status.in_(OPEN_TICKET_STATUSES), 0), else_=1)
    due = next_due()
    open_due = case((Ticket.status.in_(OPEN_TICKET_STATUSES), due), else_=None)
    return query.order_by(
        closed,
        case((open_due.is_(None), 1), else_=0),
        open_due,
        Ticket.priority.desc(),
        Ticket.updated_at.desc(),
        Ticket.id.desc(),
    )


def open_counts(agent_id: int, now: datetime) -> Any:
    """One row: open (and pending) tickets, how many of them missed a target, how
    many are the agent's, how many nobody has taken."""

    def count(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return select(
        func.count(Ticket.id),
        count(breached_condition(now)),
        count(Ticket.assignee_id == agent_id),
        count(Ticket.assignee_id.is_(None)),
    ).where(Ticket.status.in_(OPEN_TICKET_STATUSES))
