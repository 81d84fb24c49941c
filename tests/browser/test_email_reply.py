"""Email both ways, in a real browser against real servers: a customer escalates in
the widget and closes the page, an agent answers in the console, the answer leaves
by SMTP (a real server started here, ops/mail_catcher.py) to the customer's address,
and the customer's emailed reply, sent to Kefu's own SMTP listener, shows in the
agent's console live, marked as email, with only the new text, its attachments and
its formatted version in a frame where nothing runs. And a mail server that is down
shows on the agent's answer as retrying, then as sent once it is back."""

from __future__ import annotations

import re
import smtplib
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import expect

from helpdesk.agents import AgentAccounts
from helpdesk.company import load_company
from helpdesk.config import PROJECT_ROOT
from helpdesk.db import Database
from helpdesk.records import NewTicket
from helpdesk.replies import load_reply_catalogue
from helpdesk.sql_records import SqlCustomerRecords
from ops.always_open import always_open_knowledge_base
from ops.mail_catcher import MailCatcher, free_port
from tests.browser.conftest import Chat
from tests.browser.web_app import web_app_alone
from tests.conftest import AGENT_EMAIL, AGENT_NAME, AGENT_PASSWORD, import_demo, stack_on

pytestmark = [pytest.mark.stack, pytest.mark.browser]

MAYA = "maya.thompson@example.com"
CATALOGUE = load_reply_catalogue(PROJECT_ROOT / "knowledge_base")
COMPANY = load_company(PROJECT_ROOT / "knowledge_base").name
# Attachments up to this size are kept; the test sends one below it and one above.
ATTACHMENT_LIMIT = 2000
ANSWER = "Hello Maya, your speakers left our warehouse today and arrive on Friday."
NEW_TEXT = "Thank you, Friday works for me."


def console_text(key: str, **values: object) -> str:
    return CATALOGUE.text(f"console.{key}", "en", **values)


@dataclass
class EmailStack:
    web_url: str
    inbound_port: int
    mail: MailCatcher


@pytest.fixture(scope="module")
def email_stack(trained_model, tmp_path_factory):
    """Action server, Rasa and the web app with email on: outbound to a mail catcher,
    inbound through the web app's SMTP listener."""
    from ops.scratch_stack import demo_database

    root = tmp_path_factory.mktemp("email")
    db = demo_database(root / "kefu.db")
    AgentAccounts(db).create_agent(AGENT_EMAIL, AGENT_NAME, AGENT_PASSWORD)
    db.dispose()
    inbound_port = free_port()
    with MailCatcher() as mail:
        settings = {
            "KEFU_SMTP_HOST": "127.0.0.1",
            "KEFU_SMTP_PORT": str(mail.port),
            "KEFU_SMTP_SECURITY": "none",
            "KEFU_SMTP_TIMEOUT_SECONDS": "5",
            "KEFU_INBOUND_SMTP_PORT": str(inbound_port),
            "KEFU_EMAIL_MAX_ATTACHMENT_BYTES": str(ATTACHMENT_LIMIT),
        }
        with stack_on(trained_model, root, db.url, **settings) as running:
            yield EmailStack(running.config.web_url, inbound_port, mail)


def open_console(browser, url: str):
    """The agent, signed in to the console in a browser context of their own."""
    context = browser.new_context(base_url=url, accept_downloads=True)
    console = context.new_page()
    console.set_default_timeout(20_000)
    console.dialogs = []
    console.on("dialog", lambda dialog: (console.dialogs.append(dialog.message), dialog.accept()))
    console.goto("/console")
    console.locator("#email").fill(AGENT_EMAIL)
    console.locator("#password").fill(AGENT_PASSWORD)
    console.locator("button[type=submit]").click()
    console.get_by_text(AGENT_NAME).first.wait_for()
    return console


def reply_by_email(port: int, sent: EmailMessage) -> None:
    """Maya answers from her mail program: her words above the quoted history, an
    HTML version with things that must never run, a small file and one too large."""
    mail = EmailMessage()
    mail["From"] = f"Maya Thompson <{MAYA}>"
    mail["To"] = sent["Reply-To"]
    mail["Subject"] = "Re: " + sent["Subject"]
    mail["Message-ID"] = f"<{time.time_ns()}@example.com>"
    mail["In-Reply-To"] = sent["Message-ID"]
    mail.set_content(
        f"{NEW_TEXT}\n\nOn Tue, 1 Dec 2026 at 15:02, {AGENT_NAME} wrote:\n"
        f"> {CATALOGUE.text('email.reply_above', 'en')}\n> {ANSWER}\n"
    )
    mail.add_alternative(
        f"<p>{NEW_TEXT} <b>Formatted words</b></p>"
        "<script>alert('script')</script><img src=x onerror=\"alert('img')\">"
        f"<blockquote><p>{ANSWER}</p></blockquote>",
        subtype="html",
    )
    mail.add_attachment(b"receipt " * 10, maintype="text", subtype="plain", filename="receipt.txt")
    mail.add_attachment(
        b"\0" * (ATTACHMENT_LIMIT * 2), maintype="image", subtype="png", filename="huge.png"
    )
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.send_message(mail)


def test_an_answer_to_a_customer_who_left_goes_by_email_and_their_reply_shows_in_the_console(
    browser, email_stack
):
    customer_context = browser.new_context(
        base_url=email_stack.web_url.replace("127.0.0.1", "localhost")
    )
    page = customer_context.new_page()
    page.set_default_timeout(20_000)
    page.goto("/")
    page.get_by_label("Customer", exact=True).select_option("C1001")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as Maya Thompson.").wait_for()
    Chat(page).open().say("I want to talk to a person", until="in the queue")
    session_id = page.evaluate("localStorage.getItem('kefu:session')")

    console = open_console(browser, email_stack.web_url)
    [chat_id] = [
        c["id"]
        for c in console.request.get("/api/queue").json()
        if c["conversation_id"] == session_id
    ]
    console.locator(f'[data-testid="queue-item"][data-handoff-id="{chat_id}"]').click()
    log = console.locator('[data-testid="transcript"]')
    log.filter(has_text="talk to a person").wait_for()
    page.close()  # the customer leaves the site before anyone answers
    customer_context.close()
    log.locator('[data-testid="message"]', has_text="closed the chat window").wait_for()

    console.locator('[data-testid="claim"]').click()
    console.locator('[data-testid="reply-input"]').fill(ANSWER)
    console.locator('[data-testid="reply-send"]').click()

    (mail,) = email_stack.mail.wait_for(1, timeout=30)
    sent = mail.message
    assert mail.recipients == [MAYA]
    assert sent["Subject"] == CATALOGUE.text("email.subject_chat", "en", company=COMPANY)
    assert re.fullmatch(r"reply\+\w{16,}@[\w.-]+", sent["Reply-To"])
    assert ANSWER in sent.get_body(("plain",)).get_content()
    assert ANSWER in sent.get_body(("html",)).get_content()
    answer = log.locator('[data-testid="message"][data-kind="agent"]', has_text=ANSWER)
    delivered = answer.locator('[data-testid="email-delivery"][data-email-status="sent"]')
    delivered.wait_for()
    assert delivered.inner_text().startswith(
        console_text("email_emailed_to", address=MAYA, status="")
    )

    reply_by_email(email_stack.inbound_port, sent)

    # Live, in the open chat: no reload.
    emailed = log.locator('[data-testid="message"][data-kind="customer"][data-channel="email"]')
    emailed.wait_for()
    assert emailed.locator(".msg-text").inner_text() == NEW_TEXT  # no quoted history
    channel = emailed.locator('[data-testid="email-channel"]')
    expect(channel).to_have_text(console_text("email_by_email_from", address=MAYA))
    files = emailed.locator('[data-testid="email-attachment"]')
    expect(files).to_have_count(2)
    kept = files.filter(has_text="receipt.txt").locator("a")
    assert re.fullmatch(r"/api/email/attachments/\d+", kept.get_attribute("href"))
    huge = files.filter(has_text="huge.png")
    assert huge.locator("a").count() == 0
    assert "larger than the size limit" in huge.inner_text()
    with console.expect_download() as download:
        kept.click()
    assert download.value.suggested_filename == "receipt.txt"

    toggle = emailed.locator('[data-testid="email-toggle"]')
    expect(toggle).to_have_text(console_text("email_show_formatted"))
    toggle.click()
    frame = emailed.locator('[data-testid="email-html"]')
    expect(frame).to_be_visible()
    assert frame.get_attribute("sandbox") == ""  # no scripts, no same origin, no popups
    inside = emailed.frame_locator('[data-testid="email-html"]')
    expect(inside.locator("b")).to_have_text("Formatted words")
    assert inside.locator("script, img").count() == 0
    console.wait_for_timeout(500)
    assert console.dialogs == []
    toggle.click()
    expect(frame).to_be_hidden()
    expect(answer.locator('[data-testid="email-delivery"]')).to_have_attribute(
        "data-email-status", "sent"
    )
    console.context.close()


# ---- a mail server that is down ------------------------------------------------------


@pytest.fixture
def app_without_mail_server(tmp_path: Path):
    """The web app alone, sending to a port where no mail server listens yet,
    retrying every three seconds; a ticket of Maya's to answer."""
    db = Database(f"sqlite:///{tmp_path / 'kefu.db'}")
    import_demo(db)
    AgentAccounts(db).create_agent(AGENT_EMAIL, AGENT_NAME, AGENT_PASSWORD)
    ref = (
        SqlCustomerRecords(db)
        .create_ticket(
            NewTicket(
                category="faulty_product",
                subject="The TV flickers",
                description="The picture flickers after ten minutes.",
                urgency="normal",
                priority=1,
                customer_id="C1001",
                contact_email=MAYA,
            )
        )
        .ref
    )
    smtp_port = free_port()
    settings = {
        "KEFU_KNOWLEDGE_BASE": str(always_open_knowledge_base(tmp_path / "kb")),
        "KEFU_SMTP_HOST": "127.0.0.1",
        "KEFU_SMTP_PORT": str(smtp_port),
        "KEFU_SMTP_SECURITY": "none",
        "KEFU_SMTP_TIMEOUT_SECONDS": "2",
        "KEFU_EMAIL_RETRY_MINUTES": "0.05",
    }
    try:
        with web_app_alone(db.url, tmp_path, settings) as url:
            yield url, ref, smtp_port
    finally:
        db.dispose()


def test_an_emailed_ticket_answer_shows_retrying_while_the_mail_server_is_down_then_sent(
    browser, app_without_mail_server
):
    url, ref, smtp_port = app_without_mail_server
    console = open_console(browser, url)
    console.goto(f"/console/tickets/{ref}")
    console.locator('[data-testid="ticket-title"]').wait_for()
    console.locator("#ticket-comment").fill("Please try another HDMI cable.")
    console.get_by_role("button", name=console_text("add_comment")).click()

    answer = console.locator(
        '[data-testid="ticket-comments"] [data-testid="message"]', has_text="HDMI cable"
    )
    mark = answer.locator('[data-testid="email-delivery"]')
    expect(mark).to_have_attribute("data-email-status", "retrying", timeout=20_000)
    expect(mark).to_contain_text(MAYA)  # the delivery's details, asked for once it is drawn
    said = mark.inner_text()
    assert "{" not in said
    assert said.startswith(console_text("email_emailed_to", address=MAYA, status=""))
    assert re.search(r"attempt \d+ did not get through", said) and "last error" in said

    with MailCatcher(port=smtp_port) as back:
        back.wait_for(1, timeout=20)
        expect(mark).to_have_attribute(
            "data-email-status", "sent", timeout=20_000
        )  # polled, no reload
    console.context.close()
