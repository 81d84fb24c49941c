"""What waits to go out by email, and what became of it.

An agent's answer is queued in the database in the same moment it is saved (the
exact message bytes, with their Message-ID), so a crash, a restart or an SMTP
server that is down loses nothing: the sender (webapp/mail_sender.py) claims
what is due, hands it to SMTP and records the outcome here. A temporary failure
is tried again on the schedule of `KEFU_EMAIL_RETRY_MINUTES` and shows as
"retrying" with its last error; after the last try it is "failed". A refusal for
good, or a bounce report later, makes it "bounced". Agents see each state beside
the message (`deliveries`).

Claiming takes a lease (a conditional UPDATE), so several web processes can
share one outbox without sending a message twice, and a message whose sender
died mid-send is taken up again when the lease runs out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.policy import SMTP as SMTP_POLICY
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from helpdesk.db import Database
from helpdesk.desk_texts import DeskTexts
from helpdesk.email.addresses import Mailbox, new_token
from helpdesk.email.compose import OutgoingReply, compose
from helpdesk.email.models import EmailMessage, EmailThread
from helpdesk.email.smtp_client import PERMANENT, SENT, SendResult
from helpdesk.email.threads import message_ids, thread_of_chat, thread_of_ticket
from helpdesk.models import Customer, Handoff, HandoffEvent, Ticket, TicketComment
from helpdesk.parsing import format_ticket_ref
from helpdesk.sql_records import unit_of_work

LEASE = timedelta(minutes=2)
WAITING = ("queued", "retrying")


@dataclass(frozen=True)
class Delivery:
    """How an outbound message fared, for the agent: status (queued, sending,
    sent, retrying, failed, bounced), tries so far, the next try, the last error."""

    status: str
    to_address: str
    attempts: int
    next_attempt_at: Optional[datetime]
    last_error: Optional[str]
    sent_at: Optional[datetime]


@dataclass(frozen=True)
class Claimed:
    id: int
    envelope_from: str
    to_address: str
    raw: bytes


class Outbox:
    def __init__(
        self,
        db: Database,
        mailbox: Mailbox,
        texts: DeskTexts,
        retry_minutes: Sequence[float] = (1, 2, 5, 10, 30, 60, 120),
    ) -> None:
        self.db = db
        self.mailbox = mailbox
        self.texts = texts
        self.retry_minutes = tuple(retry_minutes)

    # --- queueing -------------------------------------------------------------

    def queue_ticket_reply(self, comment_id: int, now: datetime) -> Optional[int]:
        """Queues an agent's public comment to the ticket's contact address; None
        when there is nothing to send (an internal note, no address)."""
        with unit_of_work(self.db) as session:
            comment = session.get(TicketComment, comment_id)
            if comment is None or comment.internal or comment.author_type != "agent":
                return None
            ticket = session.get(Ticket, comment.ticket_id)
            thread = thread_of_ticket(session, ticket, now)
            if thread is None:
                return None
            reply = self._reply(
                session,
                thread,
                body=comment.body,
                language=(ticket.context or {}).get("language") or "en",
                customer=ticket.customer,
                agent_name=comment.author_name,
                ticket=ticket,
            )
            return self._queue(session, thread, reply, now, ticket_comment_id=comment.id)

    def queue_chat_reply(self, event_id: int, now: datetime) -> Optional[int]:
        """Queues an agent's chat message to a customer whose chat window is
        closed (they left before the answer came), at the address they gave or
        their record's; None while they are in the chat or when there is none."""
        with unit_of_work(self.db) as session:
            event = session.get(HandoffEvent, event_id)
            if event is None or event.internal or event.kind != "agent_message":
                return None
            handoff = session.get(Handoff, event.handoff_id)
            if handoff.customer_left_at is None:
                return None
            email = chat_address(handoff)
            if email is None:
                return None
            thread = thread_of_chat(session, handoff, email, now)
            ticket = session.get(Ticket, thread.ticket_id) if thread.ticket_id else None
            reply = self._reply(
                session,
                thread,
                body=event.body,
                language=handoff.language or "en",
                customer=handoff.customer,
                agent_name=event.author_name,
                ticket=ticket,
            )
            return self._queue(session, thread, reply, now, handoff_event_id=event.id)

    def queue_acknowledgement(self, ticket_id: int, when: str, now: datetime) -> Optional[int]:
        """Tells the sender of a new emailed request its ticket number and when a
        person answers (an automatic message, marked as one)."""
        with unit_of_work(self.db) as session:
            ticket = session.get(Ticket, ticket_id)
            thread = thread_of_ticket(session, ticket, now)
            if thread is None:
                return None
            language = (ticket.context or {}).get("language") or "en"
            reply = self._reply(
                session,
                thread,
                body=self.texts.say(
                    "email.acknowledge_body",
                    language,
                    ticket=format_ticket_ref(ticket.id),
                    when=when,
                ),
                language=language,
                customer=ticket.customer,
                agent_name=None,
                ticket=ticket,
                automatic=True,
            )
            return self._queue(session, thread, reply, now)

    def _reply(
        self,
        session: Session,
        thread: EmailThread,
        body: str,
        language: str,
        customer: Optional[Customer],
        agent_name: Optional[str],
        ticket: Optional[Ticket],
        automatic: bool = False,
    ) -> OutgoingReply:
        return OutgoingReply(
            to_address=thread.customer_email,
            body=body,
            language=self.texts.language(language),
            thread_token=thread.token,
            message_token=new_token(),
            ticket_ref=format_ticket_ref(ticket.id) if ticket is not None else None,
            ticket_subject=ticket.subject if ticket is not None else None,
            customer_name=customer.name.split()[0] if customer and customer.name else None,
            agent_name=agent_name,
            earlier_ids=message_ids(session, thread.id),
            automatic=automatic,
            subject_key="email.acknowledge_subject" if automatic else None,
        )

    def _queue(
        self,
        session: Session,
        thread: EmailThread,
        reply: OutgoingReply,
        now: datetime,
        **link: int,
    ) -> int:
        message = compose(self.mailbox, self.texts, reply)
        row = EmailMessage(
            thread_id=thread.id,
            direction="out",
            token=reply.message_token,
            message_id=message["Message-ID"],
            from_address=self.mailbox.from_address,
            to_address=reply.to_address,
            subject=str(message["Subject"]),
            text_body=reply.body,
            # CRLF line ends, as SMTP carries them (smtplib sends bytes as they are).
            raw=message.as_bytes(policy=SMTP_POLICY),
            status="queued",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            **link,
        )
        session.add(row)
        session.flush()
        _mirror(session, row)
        return row.id

    # --- sending ----------------------------------------------------------------

    def claim_due(self, now: datetime, limit: int = 20) -> List[Claimed]:
        """Takes up to `limit` messages due now (and any whose sender's lease ran
        out), each claimed by one caller only."""
        due = or_(
            and_(EmailMessage.status.in_(WAITING), EmailMessage.next_attempt_at <= now),
            and_(EmailMessage.status == "sending", EmailMessage.lease_until < now),
        )
        with unit_of_work(self.db) as session:
            candidates = session.execute(
                select(EmailMessage.id, EmailMessage.status)
                .where(EmailMessage.direction == "out", due)
                .order_by(EmailMessage.next_attempt_at, EmailMessage.id)
                .limit(limit)
            ).all()
        claimed = []
        for message_id, status in candidates:
            with unit_of_work(self.db) as session:
                taken = session.execute(
                    update(EmailMessage)
                    # Still due as read: a message another sender claimed meanwhile
                    # is "sending" with a fresh lease, and is not taken again.
                    .where(EmailMessage.id == message_id, EmailMessage.status == status, due)
                    .values(status="sending", lease_until=now + LEASE)
                ).rowcount
                if not taken:
                    continue  # another sender has it
                row = session.get(EmailMessage, message_id)
                _mirror(session, row)
                claimed.append(
                    Claimed(row.id, self.mailbox.bounce_address(row.token), row.to_address, row.raw)
                )
        return claimed

    def record(self, message_id: int, result: SendResult, now: datetime) -> str:
        """Writes what SMTP said; returns the message's new status."""
        with unit_of_work(self.db) as session:
            row = session.get(EmailMessage, message_id)
            row.attempts += 1
            row.lease_until = None
            if result.kind == SENT:
                row.status, row.sent_at, row.next_attempt_at = "sent", now, None
            elif result.kind == PERMANENT:
                row.status, row.last_error, row.next_attempt_at = "bounced", result.detail, None
            elif row.attempts > len(self.retry_minutes):
                row.status, row.last_error, row.next_attempt_at = "failed", result.detail, None
            else:
                row.status, row.last_error = "retrying", result.detail
                row.next_attempt_at = now + timedelta(minutes=self.retry_minutes[row.attempts - 1])
            _mirror(session, row)
            return row.status

    def mark_bounced(self, message_token: str, detail: str) -> bool:
        """A bounce report came back for the message with this token."""
        with unit_of_work(self.db) as session:
            row = session.execute(
                select(EmailMessage).where(
                    EmailMessage.token == message_token, EmailMessage.direction == "out"
                )
            ).scalar_one_or_none()
            if row is None:
                return False
            row.status, row.last_error, row.next_attempt_at = "bounced", detail[:2000], None
            _mirror(session, row)
            return True

    def next_attempt_at(self) -> Optional[datetime]:
        """When the next waiting message is due (None: nothing waits)."""
        with self.db.session() as session:
            return session.execute(
                select(func.min(EmailMessage.next_attempt_at)).where(
                    EmailMessage.direction == "out", EmailMessage.status.in_(WAITING)
                )
            ).scalar()

    # --- what agents see ----------------------------------------------------------

    def deliveries(
        self, comment_ids: Iterable[int] = (), event_ids: Iterable[int] = ()
    ) -> Tuple[Dict[int, Delivery], Dict[int, Delivery]]:
        """The latest outbound message of each ticket comment and each chat event
        that went out by email: (by comment id, by event id)."""
        comment_ids, event_ids = list(comment_ids), list(event_ids)
        by_comment: Dict[int, Delivery] = {}
        by_event: Dict[int, Delivery] = {}
        if not comment_ids and not event_ids:
            return by_comment, by_event
        with self.db.session() as session:
            rows = session.execute(
                select(EmailMessage)
                .where(
                    EmailMessage.direction == "out",
                    or_(
                        EmailMessage.ticket_comment_id.in_(comment_ids or [-1]),
                        EmailMessage.handoff_event_id.in_(event_ids or [-1]),
                    ),
                )
                .order_by(EmailMessage.id)
            ).scalars()
            for row in rows:
                delivery = Delivery(
                    row.status,
                    row.to_address,
                    row.attempts,
                    row.next_attempt_at,
                    row.last_error,
                    row.sent_at,
                )
                if row.ticket_comment_id is not None:
                    by_comment[row.ticket_comment_id] = delivery
                if row.handoff_event_id is not None:
                    by_event[row.handoff_event_id] = delivery
        return by_comment, by_event


def _mirror(session: Session, row: EmailMessage) -> None:
    """Copies the message's status onto the comment or chat message it carries,
    so every view of a ticket or chat shows it without asking the outbox."""
    if row.ticket_comment_id is not None:
        session.execute(
            update(TicketComment)
            .where(TicketComment.id == row.ticket_comment_id)
            .values(email_status=row.status)
        )
    if row.handoff_event_id is not None:
        session.execute(
            update(HandoffEvent)
            .where(HandoffEvent.id == row.handoff_event_id)
            .values(email_status=row.status)
        )


def chat_address(handoff: Handoff) -> Optional[str]:
    """Where a chat's customer can be emailed: the address they gave, else their
    customer record's (None: an anonymous visitor who gave none)."""
    if handoff.contact_email:
        return handoff.contact_email
    if handoff.customer is not None and handoff.customer.email:
        return handoff.customer.email
    return None
