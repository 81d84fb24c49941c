"""What the console shows of email: beside a ticket comment or chat message, the
email it went out as (to whom, how its delivery stands, the last error) or came
in as (from whom, the sanitised HTML, the attachments)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, List, Optional

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from helpdesk.db import Database
from helpdesk.email.models import EmailAttachment, EmailMessage
from helpdesk.sql_records import unit_of_work


@dataclass(frozen=True)
class AttachmentView:
    id: int
    filename: str
    content_type: str
    size: int
    stored: bool  # False: over the size limit, left out


@dataclass(frozen=True)
class EmailView:
    id: int
    direction: str  # out | in
    status: str
    ticket_comment_id: Optional[int]
    handoff_event_id: Optional[int]
    from_address: str
    to_address: str
    subject: str
    attempts: int
    next_attempt_at: Optional[datetime]
    last_error: Optional[str]
    sent_at: Optional[datetime]
    created_at: datetime
    html: Optional[str]
    attachments: List[AttachmentView]


@dataclass(frozen=True)
class AttachmentFile:
    filename: str
    content_type: str
    data: bytes


def emails_for(
    db: Database, comment_ids: Iterable[int] = (), event_ids: Iterable[int] = ()
) -> List[EmailView]:
    """The emails that carry these ticket comments and chat messages, oldest first."""
    comment_ids, event_ids = list(comment_ids), list(event_ids)
    if not comment_ids and not event_ids:
        return []
    with unit_of_work(db) as session:
        rows = session.execute(
            select(EmailMessage)
            .options(selectinload(EmailMessage.attachments))
            .where(
                or_(
                    EmailMessage.ticket_comment_id.in_(comment_ids or [-1]),
                    EmailMessage.handoff_event_id.in_(event_ids or [-1]),
                )
            )
            .order_by(EmailMessage.id)
        ).scalars()
        return [_view(row) for row in rows]


def attachment_file(db: Database, attachment_id: int) -> Optional[AttachmentFile]:
    """A stored attachment's bytes (None: no such file, or it was left out)."""
    with unit_of_work(db) as session:
        row = session.get(EmailAttachment, attachment_id)
        if row is None or row.data is None:
            return None
        return AttachmentFile(row.filename, row.content_type, bytes(row.data))


def _view(row: EmailMessage) -> EmailView:
    return EmailView(
        id=row.id,
        direction=row.direction,
        status=row.status,
        ticket_comment_id=row.ticket_comment_id,
        handoff_event_id=row.handoff_event_id,
        from_address=row.from_address,
        to_address=row.to_address,
        subject=row.subject,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        sent_at=row.sent_at,
        created_at=row.created_at,
        html=row.html_body,
        attachments=[
            AttachmentView(a.id, a.filename, a.content_type, a.size, a.data is not None)
            for a in row.attachments
        ],
    )
