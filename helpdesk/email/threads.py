"""Finding or starting the email thread of a ticket or a chat.

A chat whose customer left gets a thread when an agent's answer goes out by
email; when that chat becomes a ticket the ticket adopts the thread, so the
customer's reply to the first email still lands where the conversation now is.
"""

from __future__ import annotations

from datetime import datetime
from typing import List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from helpdesk.email.addresses import new_token
from helpdesk.email.models import EmailMessage, EmailThread
from helpdesk.models import Handoff, Ticket


def thread_of_ticket(session: Session, ticket: Ticket, now: datetime) -> Optional[EmailThread]:
    """The ticket's thread (adopting the thread of the chat it came from); a new
    one to its contact address; None when the ticket has no address."""
    thread = (
        session.execute(
            select(EmailThread).where(EmailThread.ticket_id == ticket.id).order_by(EmailThread.id)
        )
        .scalars()
        .first()
    )
    if thread is not None:
        return thread
    chat_ids = select(Handoff.id).where(Handoff.ticket_id == ticket.id)
    thread = (
        session.execute(
            select(EmailThread).where(EmailThread.handoff_id.in_(chat_ids)).order_by(EmailThread.id)
        )
        .scalars()
        .first()
    )
    if thread is not None:
        thread.ticket_id = ticket.id
        return thread
    if not ticket.contact_email:
        return None
    return _start(session, now, ticket.contact_email, ticket_id=ticket.id)


def thread_of_chat(session: Session, handoff: Handoff, email: str, now: datetime) -> EmailThread:
    thread = (
        session.execute(
            select(EmailThread).where(EmailThread.handoff_id == handoff.id).order_by(EmailThread.id)
        )
        .scalars()
        .first()
    )
    if thread is not None:
        return thread
    return _start(session, now, email, handoff_id=handoff.id, ticket_id=handoff.ticket_id)


def message_ids(session: Session, thread_id: int) -> List[str]:
    """The Message-IDs in the thread, oldest first (for In-Reply-To/References)."""
    return list(
        session.execute(
            select(EmailMessage.message_id)
            .where(EmailMessage.thread_id == thread_id)
            .order_by(EmailMessage.id)
        ).scalars()
    )


def _start(session: Session, now: datetime, email: str, **owner: Optional[int]) -> EmailThread:
    thread = EmailThread(token=new_token(), customer_email=email, created_at=now, **owner)
    session.add(thread)
    session.flush()
    return thread
