"""Kefu's SMTP listener, spoken to over SMTP: unknown addresses are refused at the
door, a database that is down defers the message (the sender retries, nothing is
lost), and an oversized message is refused."""

import smtplib
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from helpdesk.db import Database
from helpdesk.email.intake import MailIntake
from helpdesk.email.receiver import InboundHandler, MailListener
from helpdesk.models import Ticket
from helpdesk.sql_records import SqlCustomerRecords
from ops.mail_catcher import free_port
from tests.helpdesk.email.conftest import NOW


def listening(intake, max_bytes=100_000):
    listener = MailListener(
        InboundHandler(intake, now=lambda: NOW), "127.0.0.1", free_port(), max_bytes
    )
    listener.start()
    return listener


@pytest.fixture
def listener(intake):
    running = listening(intake)
    yield running
    running.stop()


def new_request(to="support@brightwave.example", body="My order never came."):
    mail = EmailMessage()
    mail["From"] = "someone@example.org"
    mail["To"] = to
    mail["Subject"] = "Where is my order?"
    mail.set_content(body)
    return mail


def test_mail_to_the_support_address_is_accepted_and_opens_a_ticket(listener, records):
    with smtplib.SMTP("127.0.0.1", listener.port, timeout=5) as client:
        client.send_message(new_request())

    with records.db.session() as session:
        subjects = (
            session.execute(select(Ticket.subject).where(Ticket.source == "email")).scalars().all()
        )
    assert subjects == ["Where is my order?"]


def test_an_address_kefu_does_not_have_is_refused_with_550(listener):
    with (
        smtplib.SMTP("127.0.0.1", listener.port, timeout=5) as client,
        pytest.raises(smtplib.SMTPRecipientsRefused) as refused,
    ):
        client.send_message(new_request(to="reply+" + "a" * 32 + "@brightwave.example"))
    assert next(iter(refused.value.recipients.values()))[0] == 550


def test_a_database_that_is_down_defers_the_message_with_451(
    tmp_path, facts, texts, mailbox, outbox
):
    down = Database(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'kefu.db'}", timeout_seconds=1)
    intake = MailIntake(down, SqlCustomerRecords(down), facts, texts, mailbox, outbox, 1000)
    running = listening(intake)
    try:
        with (
            smtplib.SMTP("127.0.0.1", running.port, timeout=5) as client,
            pytest.raises(smtplib.SMTPDataError) as deferred,
        ):
            client.send_message(new_request())
        assert deferred.value.smtp_code == 451
    finally:
        running.stop()


def test_a_message_over_the_size_limit_is_refused(intake):
    running = listening(intake, max_bytes=2000)
    try:
        with (
            smtplib.SMTP("127.0.0.1", running.port, timeout=5) as client,
            pytest.raises(smtplib.SMTPException) as refused,
        ):
            client.send_message(new_request(body="x" * 5000))
        assert "552" in str(refused.value) or getattr(refused.value, "smtp_code", 0) == 552
    finally:
        running.stop()
