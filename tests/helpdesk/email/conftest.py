"""Email on a real database, with a real SMTP server (ops/mail_catcher.py) as the
company's mail server."""

from datetime import datetime, timezone

import pytest

from helpdesk.config import PROJECT_ROOT, Settings
from helpdesk.desk_texts import DeskTexts
from helpdesk.email.addresses import Mailbox
from helpdesk.email.intake import MailIntake
from helpdesk.email.outbox import Outbox
from helpdesk.records import NewTicket
from ops.mail_catcher import MailCatcher

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)
MAYA = "maya.thompson@example.com"


@pytest.fixture
def texts() -> DeskTexts:
    return DeskTexts(PROJECT_ROOT / "knowledge_base")


@pytest.fixture
def mailbox(facts) -> Mailbox:
    return Mailbox.from_settings(Settings(), facts)


@pytest.fixture
def outbox(demo_db, mailbox, texts) -> Outbox:
    return Outbox(demo_db, mailbox, texts, retry_minutes=(1, 5))


@pytest.fixture
def intake(demo_db, records, facts, texts, mailbox, outbox) -> MailIntake:
    return MailIntake(demo_db, records, facts, texts, mailbox, outbox, max_attachment_bytes=1000)


@pytest.fixture
def catcher():
    with MailCatcher() as running:
        yield running


def new_ticket(records, email=MAYA, customer_id="C1001", subject="TV flickers"):
    return records.create_ticket(
        NewTicket(
            category="faulty_product",
            subject=subject,
            description="The picture flickers.",
            urgency="normal",
            priority=1,
            customer_id=customer_id,
            contact_email=email,
        )
    )


def answered_ticket(records, outbox, body="Please try another HDMI cable."):
    """A ticket with an agent's public answer queued by email: (ticket, email id)."""
    ticket = new_ticket(records)
    view = records.add_ticket_comment(ticket.id, "agent", "Sam Lee", body)
    return ticket, outbox.queue_ticket_reply(view.comments[-1].id, NOW)
