"""The agent console in a real browser, against the web app alone (no Rasa): sign-in,
the queue, one chat with everything known about it, what an agent does with it,
live updates, and customer text that must stay text."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

import pytest
from playwright.sync_api import expect

from helpdesk.agents import AgentAccounts
from helpdesk.company import load_company
from helpdesk.config import PROJECT_ROOT
from helpdesk.conversation_records import ConversationRecords, NewHandoff
from helpdesk.db import Database
from helpdesk.importer import import_orders
from helpdesk.models import utcnow
from tests.browser.web_app import web_app_alone
from tests.conftest import import_demo

pytestmark = pytest.mark.browser

EMAIL = "ana@brightwave.example"
NAME = "Ana Lima"
PASSWORD = "correct horse battery"
NASTY = "<img src=x onerror=alert(1)>"


@dataclass
class ConsoleApp:
    url: str
    db: Database
    maya: int  # the premier customer's chat, most urgent
    visitor: int  # an anonymous visitor's chat
    claimed: int  # a chat the tests claim and write in
    ticket_bound: int  # a chat the tests turn into a ticket

    def say_as_customer(self, conversation_id: str, text: str) -> None:
        """What the Rasa channel does when the customer writes during a handoff."""
        route = ConversationRecords(self.db).route_customer_message(conversation_id, text, utcnow())
        assert route.held_by_handoff is not None


def _handoff(
    db: Database,
    conversation_id: str,
    customer_text: str,
    priority: int,
    bot_text: str = "Hi! How can I help?",
    **extra,
) -> int:
    now = time.time()
    return (
        ConversationRecords(db)
        .create_handoff(
            NewHandoff(
                conversation_id=conversation_id,
                reason="customer_request",
                transcript=[
                    {"role": "bot", "text": bot_text, "timestamp": now - 60},
                    {
                        "role": "customer",
                        "text": customer_text,
                        "timestamp": now - 30,
                        "intent": "request_human",
                        "confidence": 0.97,
                    },
                ],
                priority=priority,
                **extra,
            )
        )
        .id
    )


@pytest.fixture(scope="module")
def console_app(tmp_path_factory):
    """The web app on a free port with the demo data, one agent and three waiting
    chats. Rasa's address points at a port nothing listens on, so telling the
    customer anything fails: the console must cope (delivered=false, 503)."""
    root = tmp_path_factory.mktemp("console")
    db = Database(f"sqlite:///{root / 'kefu.db'}")
    import_demo(db)
    AgentAccounts(db).create_agent(EMAIL, NAME, PASSWORD)
    maya = _handoff(
        db,
        "conv-maya",
        NASTY,
        priority=9,
        collected={"order_id": "BW-104119"},
        customer_id="C1001",
        identity_method="token",
    )
    visitor = _handoff(db, "conv-visitor", "I want to talk to a person", priority=5, collected={})
    claimed = _handoff(db, "conv-claim", "My parcel is lost", priority=3, collected={})
    ticket_bound = _handoff(db, "conv-refund", "I need a refund", priority=1, collected={})
    try:
        with web_app_alone(db.url, root, {"KEFU_SWEEP_SECONDS": "0"}) as url:
            yield ConsoleApp(url, db, maya, visitor, claimed, ticket_bound)
    finally:
        db.dispose()


@pytest.fixture
def context(browser, console_app):
    context = browser.new_context(base_url=console_app.url, viewport={"width": 1280, "height": 800})
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A console page; every dialog it opens is recorded in `page.dialogs`, and an
    uncaught script error on it fails the test."""
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.accept()))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == [], "script errors on the page"


@pytest.fixture
def console(context, page):
    """The console, signed in as the agent (through the API: the sign-in form has
    its own test)."""
    response = context.request.post("/api/agent/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.ok, response.text()
    page.goto("/console")
    return page


def queue_item(page, handoff_id: int):
    return page.locator(f'[data-testid="queue-item"][data-handoff-id="{handoff_id}"]')


def open_chat(page, handoff_id: int) -> None:
    queue_item(page, handoff_id).click()
    page.get_by_test_id("summary").wait_for()


def test_the_console_needs_a_sign_in_and_a_wrong_password_is_refused(page):
    page.goto("/console")
    expect(page).to_have_url("/console/login?next=/console")
    page.fill("#email", EMAIL)
    page.fill("#password", "not the password")
    page.click("button[type=submit]")
    expect(page.get_by_test_id("login-error")).to_have_text(
        "That email and password do not match an agent."
    )
    expect(page).to_have_url("/console/login?next=/console")

    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url("/console")
    expect(page.locator("header")).to_contain_text(NAME)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_the_queue_and_a_chat_show_everything_the_agent_needs(console, console_app):
    items = console.get_by_test_id("queue-item")
    expect(items.first).to_be_visible()
    order = [int(i) for i in items.evaluate_all("nodes => nodes.map(n => n.dataset.handoffId)")]
    assert order[:2] == [console_app.maya, console_app.visitor]  # most urgent first
    expect(items.first).to_contain_text("Maya Thompson")
    expect(items.first).to_contain_text("Premier")
    expect(items.first).to_have_attribute("data-status", "waiting")
    expect(queue_item(console, console_app.visitor)).to_contain_text("Anonymous visitor")

    open_chat(console, console_app.maya)
    expect(console.get_by_test_id("summary")).to_contain_text("Maya Thompson")
    transcript = console.get_by_test_id("transcript")
    expect(transcript.locator('[data-kind="bot"]')).to_contain_text("Hi! How can I help?")
    expect(transcript.locator('[data-kind="customer"]')).to_contain_text("request_human · 97%")
    expect(console.get_by_test_id("reason")).to_contain_text("The customer asked for a person")
    expect(console.get_by_test_id("collected")).to_contain_text("Order id")
    expect(console.get_by_test_id("collected")).to_contain_text("BW-104119")
    record = console.get_by_test_id("customer-record")
    for text in ("Maya Thompson", "C1001", "Premier", "BW-104119", "signed in on the website"):
        expect(record).to_contain_text(text)
    expect(console.get_by_test_id("claim")).to_be_visible()


def test_customer_html_shows_as_literal_text(console, console_app):
    open_chat(console, console_app.maya)
    transcript = console.get_by_test_id("transcript")
    expect(transcript.get_by_text(NASTY, exact=True)).to_be_visible()
    expect(console.get_by_test_id("summary")).to_contain_text(NASTY)
    assert console.locator("#conversation img").count() == 0
    console.wait_for_timeout(300)  # an injected onerror would have fired by now
    assert console.dialogs == []


def test_claiming_a_chat_lets_the_agent_write_and_updates_arrive_live(console, console_app):
    open_chat(console, console_app.claimed)
    console.get_by_test_id("claim").click()

    item = queue_item(console, console_app.claimed)
    expect(item).to_have_attribute("data-status", "active")
    expect(item).to_contain_text(f"With {NAME}")
    expect(console.get_by_test_id("reply-input")).to_be_visible()
    expect(console.get_by_test_id("claim")).to_be_hidden()
    # Rasa is not running: the claim holds, and the agent is told the customer was not.
    expect(console.get_by_test_id("console-alert")).to_contain_text("could not be told")

    console.get_by_role("button", name="Add internal note").click()
    console.get_by_test_id("note-input").fill("Lost parcel: file a claim with the carrier.")
    console.get_by_test_id("note-send").click()
    note = console.get_by_test_id("transcript").locator('[data-kind="note"]')
    expect(note).to_contain_text("Lost parcel: file a claim with the carrier.")
    expect(note).to_contain_text("only agents see this")
    expect(console.get_by_test_id("note-input")).to_have_value("")

    # A reply that cannot reach the customer stays in the box to be sent again.
    console.get_by_role("button", name="Reply", exact=True).click()
    console.get_by_test_id("reply-input").fill("Hi, I'm on it.")
    console.get_by_test_id("reply-input").press("Enter")
    expect(console.get_by_test_id("console-alert")).to_contain_text("could not be delivered")
    expect(console.get_by_test_id("reply-input")).to_have_value("Hi, I'm on it.")

    expect(console.locator(".live-status")).to_have_text("Live")  # the stream, not polling
    console_app.say_as_customer("conv-claim", "Are you there?")
    customer_lines = console.get_by_test_id("transcript").locator('[data-kind="customer"]')
    expect(customer_lines.filter(has_text="Are you there?")).to_have_count(1, timeout=3_000)


def test_turning_a_chat_into_a_ticket_closes_it_and_names_the_ticket(console, console_app):
    open_chat(console, console_app.ticket_bound)
    console.get_by_test_id("claim").click()
    console.get_by_test_id("convert").click()
    # the ticket form is the agent's confirmation: its category and subject are theirs
    expect(console.get_by_test_id("convert-subject")).to_have_value("I need a refund")
    console.get_by_test_id("convert-confirm").click()

    expect(console.get_by_test_id("console-alert")).to_contain_text("is now ticket T-")
    expect(queue_item(console, console_app.ticket_bound)).to_have_count(0)
    expect(console.get_by_test_id("transcript")).to_have_count(0)


def test_a_chat_handed_over_while_the_console_is_open_appears_without_reload(console, console_app):
    expect(console.get_by_test_id("queue-item").first).to_be_visible()
    late = _handoff(console_app.db, "conv-late", "Is anyone there?", priority=0, collected={})
    expect(queue_item(console, late)).to_contain_text("Anonymous visitor", timeout=3_000)
    expect(queue_item(console, late)).to_have_attribute("data-status", "waiting")


def test_without_the_live_stream_the_console_keeps_up_by_polling(context, page, console_app):
    page.route("**/api/events/stream*", lambda route: route.abort())
    response = context.request.post("/api/agent/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.ok
    page.goto("/console")
    open_chat(page, console_app.visitor)
    console_app.say_as_customer("conv-visitor", "Hello? Anyone?")
    customer_lines = page.get_by_test_id("transcript").locator('[data-kind="customer"]')
    expect(customer_lines.filter(has_text="Hello? Anyone?")).to_have_count(1, timeout=8_000)
    expect(page.locator(".live-status")).to_contain_text("checking every few seconds")


def test_signing_out_returns_to_the_login_page_and_ends_the_session(console, context):
    token = next(c["value"] for c in context.cookies() if c["name"] == "kefu_agent_session")
    console.get_by_role("button", name="Sign out").click()
    expect(console).to_have_url("/console/login?next=/console")

    assert context.request.get("/api/queue").status == 401
    with_old_token = context.request.get("/api/queue", headers={"Authorization": f"Bearer {token}"})
    assert with_old_token.status == 401


def test_an_order_delivered_on_a_date_shows_that_day_and_times_are_the_companys(
    browser, console_app, tmp_path
):
    """An agent whose computer is set to Hawaii sees the company's days (the ones
    the bot tells the customer), and times labelled with the company's zone."""
    company = load_company(PROJECT_ROOT / "knowledge_base")
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_id,customer_id,placed_at,status,total,currency,carrier,tracking_number,items,delivered_at\n"
        "BW-199917,C1003,2026-09-12,delivered,49.99,USD,UPS,1Z999AA10123456784,"
        "Lumen smart bulb 4-pack x1,2026-09-17\n"
    )
    import_orders(console_app.db, orders, zone=company.hours.zone)
    context = browser.new_context(
        base_url=console_app.url, timezone_id="Pacific/Honolulu", locale="en-US"
    )
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        assert context.request.post(
            "/api/agent/login", data={"email": EMAIL, "password": PASSWORD}
        ).ok
        page.goto("/console")

        page.get_by_role("button", name="Customers").click()
        page.fill("#customer-query", "C1003")
        page.press("#customer-query", "Enter")
        page.locator("#customer-list button", has_text="C1003").click()
        order = page.get_by_test_id("customer-profile").locator("li.order", has_text="BW-199917")
        expect(order.get_by_test_id("order-dates")).to_contain_text(
            "Placed Sep 12, 2026 · delivered Sep 17, 2026"
        )

        page.get_by_role("button", name="Chats").click()
        open_chat(page, console_app.maya)
        stamp = page.get_by_test_id("transcript").locator("time").first
        expect(stamp).to_contain_text(company.hours.timezone_label)
        moment = datetime.fromisoformat(stamp.get_attribute("datetime").replace("Z", "+00:00"))
        eastern = moment.astimezone(company.hours.zone).strftime("%I:%M %p")
        expect(stamp).to_have_text(f"{eastern} {company.hours.timezone_label}")
        assert errors == [], "script errors on the page"
    finally:
        context.close()
