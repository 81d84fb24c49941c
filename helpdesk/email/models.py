"""The email tables. Their own module (sharing `helpdesk.models.Base`) because
they are one concept: a thread per ticket or chat, the messages in it with their
delivery state, and the attachments customers send."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import relationship

from helpdesk.models import Base, UtcDateTime, utcnow


class EmailThread(Base):
    """One conversation by email with one customer: a ticket's, or a live chat's
    whose customer left (the chat's thread moves to the ticket the chat becomes).
    `token` is the secret in its reply address: whoever knows it may write into
    the thread, so it is random and never shown to anyone but the customer."""

    __tablename__ = "email_threads"

    id = Column(Integer, primary_key=True, autoincrement=True)
    token = Column(String(40), nullable=False)
    ticket_id = Column(Integer, ForeignKey("tickets.id"), index=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id"), index=True)
    customer_email = Column(String(320), nullable=False)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ux_email_threads_token", "token", unique=True),)


class EmailMessage(Base):
    """A message sent or received. Outbound ones are kept as the exact bytes
    handed to SMTP, so a retry sends the same message with the same Message-ID.

    status, outbound: queued -> sending -> sent, or retrying (a temporary failure,
    tried again at `next_attempt_at`) -> failed (gave up), or bounced (refused
    for good, at once or by a bounce report later). Inbound: received, or ignored
    (an automatic reply, kept for the record but not shown as the customer's)."""

    __tablename__ = "email_messages"

    id = Column(Integer, primary_key=True, autoincrement=True)
    thread_id = Column(Integer, ForeignKey("email_threads.id"), index=True)
    direction = Column(String(4), nullable=False)  # out | in
    # Random, secret: in the Message-ID and the bounce address of outbound mail.
    token = Column(String(40), nullable=False)
    message_id = Column(String(320), nullable=False)
    from_address = Column(String(320), nullable=False)
    to_address = Column(String(320), nullable=False)
    subject = Column(String(400), nullable=False, default="")
    text_body = Column(Text, nullable=False, default="")
    # Inbound HTML, already sanitised (helpdesk/email/inbound.py); outbound: NULL.
    html_body = Column(Text)
    raw = Column(LargeBinary)
    status = Column(String(12), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(UtcDateTime)
    # A sender that died mid-send leaves "sending"; after this the next one retries.
    lease_until = Column(UtcDateTime)
    last_error = Column(Text)
    created_at = Column(UtcDateTime, nullable=False, default=utcnow)
    sent_at = Column(UtcDateTime)
    # What the message is in Kefu: the ticket comment or chat event it carries.
    ticket_comment_id = Column(Integer, ForeignKey("ticket_comments.id"), index=True)
    handoff_event_id = Column(Integer, ForeignKey("handoff_events.id"), index=True)

    thread = relationship("EmailThread")
    attachments = relationship(
        "EmailAttachment", back_populates="message", order_by="EmailAttachment.id"
    )

    __table_args__ = (
        Index("ux_email_messages_token", "token", unique=True),
        Index("ix_email_messages_due", "status", "next_attempt_at"),
        Index("ix_email_messages_message_id", "message_id"),
    )


class EmailAttachment(Base):
    """A file a customer sent. Stored as bytes and only ever offered as a
    download (webapp/routers/email.py): never executed, never inlined as HTML."""

    __tablename__ = "email_attachments"

    id = Column(Integer, primary_key=True, autoincrement=True)
    message_id = Column(Integer, ForeignKey("email_messages.id"), nullable=False, index=True)
    filename = Column(String(255), nullable=False)
    content_type = Column(String(120), nullable=False)
    size = Column(Integer, nullable=False)
    # NULL when the file was larger than the limit: the agent sees it was left out.
    data = Column(LargeBinary)

    message = relationship("EmailMessage", back_populates="attachments")
