"""Where a received message belongs, and writing it there.

A message belongs to a thread by a secret only: its reply address
(`reply+<thread token>@`) or, for a message sent to the support address, a
Message-ID of ours it answers (In-Reply-To/References). A ticket number in the
subject proves nothing, so mail to the support address without such a secret
opens a new ticket for its sender, even when it names somebody else's ticket.
Unknown tagged addresses are refused while the sender is still connected
(`recipient_ok`, answered with 550), so a guess leaves no trace in any ticket.

In a thread, the customer's text goes where the conversation is now: into the
live chat while it waits or an agent holds it (a customer message marked as
email, which the console shows like a chat message), else into the thread's
ticket as the customer's comment (which reopens it and tells its agent), else,
for a chat that ended without one, into a new ticket from that chat. Automatic
mail is kept for the record but never posted; a bounce report marks the message
it is about as bounced. A message received twice (a sending server that retried
after a lost answer) is written once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from helpdesk.company import CompanyFacts
from helpdesk.db import Database
from helpdesk.desk_texts import DeskTexts
from helpdesk.email.addresses import Mailbox, new_token
from helpdesk.email.inbound import InboundMail, read_mail
from helpdesk.email.models import EmailAttachment, EmailMessage, EmailThread
from helpdesk.email.outbox import Outbox
from helpdesk.email.threads import thread_of_ticket
from helpdesk.handoffs.events import add_event
from helpdesk.language import is_chinese
from helpdesk.models import Handoff, Ticket
from helpdesk.records import CustomerRecords
from helpdesk.sql_records import unit_of_work
from helpdesk.tickets import TicketRequest, open_ticket

logger = logging.getLogger(__name__)
LIVE = ("waiting", "active")


@dataclass(frozen=True)
class Received:
    """What became of a message: posted into a chat ("chat"), a ticket comment
    ("comment"), a new ticket ("new_ticket"), a bounce recorded ("bounce"), kept
    but not posted ("ignored"), or already had ("duplicate")."""

    kind: str
    ticket_id: Optional[int] = None
    handoff_id: Optional[int] = None
    email_id: Optional[int] = None


class MailIntake:
    def __init__(
        self,
        db: Database,
        records: CustomerRecords,
        facts: CompanyFacts,
        texts: DeskTexts,
        mailbox: Mailbox,
        outbox: Outbox,
        max_attachment_bytes: int,
    ) -> None:
        self.db = db
        self.records = records
        self.facts = facts
        self.texts = texts
        self.mailbox = mailbox
        self.outbox = outbox
        self.max_attachment_bytes = max_attachment_bytes

    def recipient_ok(self, address: str) -> bool:
        """Whether Kefu takes mail for `address`: the support address, a thread's
        reply address, or the bounce address of a message it sent."""
        if self.mailbox.is_support_address(address):
            return True
        tagged = self.mailbox.tagged(address)
        if tagged is None:
            return False
        kind, token = tagged
        table, column = (
            (EmailThread, EmailThread.token)
            if kind == "reply"
            else (EmailMessage, EmailMessage.token)
        )
        with unit_of_work(self.db) as session:
            return session.execute(select(table.id).where(column == token)).first() is not None

    def receive(self, recipients: Iterable[str], raw: bytes, now: datetime) -> Received:
        """Files one message sent to `recipients` (the envelope's, already
        accepted by `recipient_ok`)."""
        mail = read_mail(raw, self.max_attachment_bytes)
        tagged = [t for t in (self.mailbox.tagged(r) for r in recipients) if t]
        bounces = [token for kind, token in tagged if kind == "bounce"]
        if bounces or mail.bounce_detail:
            return self._bounce(bounces, mail)
        thread = self._thread([token for kind, token in tagged if kind == "reply"], mail.references)
        if thread is not None and self._already_have(thread.id, mail.message_id):
            return Received("duplicate")
        if mail.automatic or self.mailbox.is_support_address(mail.from_address):
            email_id = self._store(mail, raw, thread.id if thread else None, "ignored", now)
            return Received("ignored", email_id=email_id)
        if thread is None:
            return self._new_ticket(mail, raw, now)
        return self._into_thread(thread, mail, raw, now)

    # --- finding the thread ----------------------------------------------------

    def _thread(self, reply_tokens: List[str], references: List[str]) -> Optional[EmailThread]:
        with unit_of_work(self.db) as session:
            for token in reply_tokens:
                thread = session.execute(
                    select(EmailThread).where(EmailThread.token == token)
                ).scalar_one_or_none()
                if thread is not None:
                    session.expunge(thread)
                    return thread
            for token in self.mailbox.message_tokens(references):
                message = session.execute(
                    select(EmailMessage).where(
                        EmailMessage.token == token, EmailMessage.direction == "out"
                    )
                ).scalar_one_or_none()
                if message is not None and message.thread_id is not None:
                    thread = session.get(EmailThread, message.thread_id)
                    session.expunge(thread)
                    return thread
        return None

    def _already_have(self, thread_id: int, message_id: str) -> bool:
        if not message_id:
            return False
        with unit_of_work(self.db) as session:
            return (
                session.execute(
                    select(EmailMessage.id).where(
                        EmailMessage.thread_id == thread_id,
                        EmailMessage.direction == "in",
                        EmailMessage.message_id == message_id,
                    )
                ).first()
                is not None
            )

    # --- filing ------------------------------------------------------------------

    def _into_thread(
        self, thread: EmailThread, mail: InboundMail, raw: bytes, now: datetime
    ) -> Received:
        author = mail.from_name or mail.from_address
        with unit_of_work(self.db) as session:
            handoff = session.get(Handoff, thread.handoff_id) if thread.handoff_id else None
            if handoff is not None and handoff.status in LIVE:
                event = add_event(
                    session, handoff.id, "customer_message", now, author, mail.text, channel="email"
                )
                email_id = self._add_message(
                    session, mail, raw, thread.id, "received", now, handoff_event_id=event.id
                )
                return Received("chat", handoff_id=handoff.id, email_id=email_id)
            ticket_id = thread.ticket_id or (handoff.ticket_id if handoff else None)
            conversation_id = handoff.conversation_id if handoff else None
        if ticket_id is None:
            opened = self._open_ticket(mail, now, conversation_id)
            ticket_id = opened
            with unit_of_work(self.db) as session:
                session.get(EmailThread, thread.id).ticket_id = ticket_id
            email_id = self._store(mail, raw, thread.id, "received", now)
            return Received("new_ticket", ticket_id=ticket_id, email_id=email_id)
        view = self.records.add_ticket_comment(
            ticket_id, "customer", author, mail.text, channel="email"
        )
        comment_id = view.comments[-1].id if view.comments else None
        email_id = self._store(mail, raw, thread.id, "received", now, ticket_comment_id=comment_id)
        return Received("comment", ticket_id=ticket_id, email_id=email_id)

    def _new_ticket(self, mail: InboundMail, raw: bytes, now: datetime) -> Received:
        ticket_id = self._open_ticket(mail, now, None)
        with unit_of_work(self.db) as session:
            ticket = session.get(Ticket, ticket_id)
            thread = thread_of_ticket(session, ticket, now)
            thread_id = thread.id if thread else None
            due = ticket.first_response_due
            language = (ticket.context or {}).get("language") or "en"
        email_id = self._store(mail, raw, thread_id, "received", now)
        if due is not None:
            zone = self.texts.facts(language).hours.timezone_label
            when = self.texts.local(language).moment(self.facts.hours, due, zone, now)
            self.outbox.queue_acknowledgement(ticket_id, when, now)
        return Received("new_ticket", ticket_id=ticket_id, email_id=email_id)

    def _open_ticket(self, mail: InboundMail, now: datetime, conversation_id: Optional[str]) -> int:
        customer = self.records.find_customer_by_email(mail.from_address)
        text = mail.text or mail.subject or "(no text)"
        language = "zh" if is_chinese(text + mail.subject) else None
        opened = open_ticket(
            self.records,
            self.facts,
            TicketRequest(
                category=self.facts.guess_category(text) or "other",
                description=text,
                customer=customer,
                conversation_id=conversation_id,
                contact_email=mail.from_address,
                source="email",
                subject=_subject(mail.subject),
                language=language,
                context={"email_from": mail.from_address, "email_subject": mail.subject},
            ),
            now,
            texts=self.texts,
        )
        return opened.ticket.id

    def _bounce(self, tokens: List[str], mail: InboundMail) -> Received:
        detail = mail.bounce_detail or mail.text[:500] or "delivery failed"
        # A report sent to the support address instead names our Message-ID inside.
        tokens = tokens or self.mailbox.message_tokens([mail.full_text])
        marked = [token for token in tokens if self.outbox.mark_bounced(token, detail)]
        if not marked:
            logger.info("a bounce report for no message of ours was dropped")
        return Received("bounce")

    def _store(
        self,
        mail: InboundMail,
        raw: bytes,
        thread_id: Optional[int],
        status: str,
        now: datetime,
        **link: Optional[int],
    ) -> int:
        with unit_of_work(self.db) as session:
            return self._add_message(session, mail, raw, thread_id, status, now, **link)

    def _add_message(
        self,
        session: Session,
        mail: InboundMail,
        raw: bytes,
        thread_id: Optional[int],
        status: str,
        now: datetime,
        **link: Optional[int],
    ) -> int:
        row = EmailMessage(
            thread_id=thread_id,
            direction="in",
            token=new_token(),
            message_id=mail.message_id,
            from_address=mail.from_address,
            to_address=self.mailbox.from_address,
            subject=mail.subject,
            text_body=mail.text,
            html_body=mail.html,
            raw=raw,
            status=status,
            created_at=now,
            **link,
        )
        session.add(row)
        session.flush()
        for attachment in mail.attachments:
            session.add(
                EmailAttachment(
                    message_id=row.id,
                    filename=attachment.filename,
                    content_type=attachment.content_type,
                    size=attachment.size,
                    data=attachment.data,
                )
            )
        return row.id


def _subject(subject: str) -> Optional[str]:
    cleaned = subject.strip()
    while cleaned.lower().startswith(("re:", "fw:", "fwd:", "回复：", "答复：")):
        cleaned = cleaned.split(":", 1)[-1].split("：", 1)[-1].strip()
    return cleaned[:200] or None
