"""The console's Tickets view in a real browser, against the web app alone: the
due-first list with names, due times and assignees, "My tickets", a ticket with
its conversation in order and its internal notes set apart, and the addresses a
ticket and a customer have (reload, a pasted link, the back button)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from helpdesk.agents import AgentAccounts
from helpdesk.company import load_company
from helpdesk.config import PROJECT_ROOT
from helpdesk.conversation_records import ConversationRecords
from helpdesk.db import Database
from helpdesk.models import utcnow
from helpdesk.records import NewTicket
from helpdesk.sql_records import SqlCustomerRecords
from helpdesk.tickets import TicketRequest, open_ticket
from tests.browser.web_app import web_app_alone
from tests.conftest import import_demo, queue_chat

pytestmark = pytest.mark.browser

EMAIL, NAME, PASSWORD = "ana@brightwave.example", "Ana Lima", "correct horse battery"
BEN = ("ben@brightwave.example", "Ben Ito", "another good password")


@dataclass
class TicketsApp:
    url: str
    overdue: str  # Ana's, past its first-response due time
    from_chat: str  # Ana's, opened in a chat, with a reply and a note
    bens: str  # Ben's
    chat: int  # a waiting chat


@pytest.fixture(scope="module")
def tickets_app(tmp_path_factory):
    root = tmp_path_factory.mktemp("tickets")
    db = Database(f"sqlite:///{root / 'kefu.db'}")
    import_demo(db)
    accounts = AgentAccounts(db)
    ana = accounts.create_agent(EMAIL, NAME, PASSWORD)
    ben = accounts.create_agent(*BEN)
    records = SqlCustomerRecords(db)
    facts = load_company(PROJECT_ROOT / "knowledge_base")
    now = utcnow()
    overdue = records.create_ticket(
        NewTicket(
            category="delivery",
            subject="Parcel never came",
            description="Tracking says delivered",
            urgency="high",
            priority=5,
            customer_id="C1003",
            first_response_due=now - timedelta(hours=2),
            resolution_due=now + timedelta(days=2),
        )
    )
    records.set_ticket_assignee(overdue.id, ana.id)
    from_chat = open_ticket(
        records,
        facts,
        TicketRequest(
            category="damaged_item",
            description="The screen is cracked",
            customer=records.get_customer("C1001"),
            conversation_id="chat-maya",
            context={
                "transcript": [
                    {"role": "bot", "text": "Hi! How can I help?", "timestamp": 1.0e9},
                    {"role": "customer", "text": "My TV arrived broken", "timestamp": 1.0e9 + 5},
                    {
                        "role": "bot",
                        "text": "Sorry to hear that! Which order?",
                        "timestamp": 1.0e9 + 9,
                    },
                ],
                "collected": {"order_id": "BW-104119"},
            },
        ),
        now,
    ).ticket
    records.set_ticket_assignee(from_chat.id, ana.id)
    records.add_ticket_comment(from_chat.id, "agent", NAME, "We are sending a new one")
    records.add_ticket_comment(from_chat.id, "agent", NAME, "Courier claim filed", internal=True)
    bens = records.create_ticket(
        NewTicket(
            category="billing",
            subject="Charged twice again",
            description="x",
            urgency="normal",
            priority=1,
            customer_id="C1002",
            first_response_due=now + timedelta(hours=1),
        )
    )
    records.set_ticket_assignee(bens.id, ben.id)
    chat = queue_chat(ConversationRecords(db), conversation_id="conv-tickets-chat")
    try:
        with web_app_alone(db.url, root, {"KEFU_SWEEP_SECONDS": "0"}) as url:
            yield TicketsApp(url, overdue.ref, from_chat.ref, bens.ref, chat)
    finally:
        db.dispose()


@pytest.fixture
def page(browser, tickets_app):
    """A signed-in console page; an uncaught script error on it fails the test."""
    context = browser.new_context(base_url=tickets_app.url, viewport={"width": 1280, "height": 800})
    response = context.request.post("/api/agent/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.ok, response.text()
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], "script errors on the page"


def ticket_items(page):
    return page.get_by_test_id("ticket-item")


def test_the_list_shows_names_due_times_and_assignees_what_is_due_first_first(page, tickets_app):
    page.goto("/console/tickets")
    first = ticket_items(page).first
    expect(first).to_have_attribute("data-ref", tickets_app.overdue)
    expect(first).to_contain_text("Sofia Martinez")
    expect(first).to_contain_text("Ana Lima")
    expect(first).to_have_class(re.compile(r"\bbreached\b"))
    expect(first.get_by_test_id("ticket-due")).to_contain_text("First response due")
    expect(first.get_by_test_id("ticket-due")).to_contain_text("ago")
    expect(first.get_by_test_id("ticket-due")).to_contain_text("Eastern")
    expect(page.get_by_test_id("breach-count")).to_have_text("1 breached")
    bens = page.locator(f'[data-testid="ticket-item"][data-ref="{tickets_app.bens}"]')
    expect(bens).to_contain_text("Daniel Okafor")
    expect(bens).to_contain_text("Ben Ito")


def test_my_tickets_shows_only_the_agents_own(page, tickets_app):
    page.goto("/console/tickets")
    expect(ticket_items(page).first).to_be_visible()
    page.select_option("#ticket-assignee", "me")
    expect(ticket_items(page)).to_have_count(2)
    refs = [item.get_attribute("data-ref") for item in ticket_items(page).all()]
    assert sorted(refs) == sorted([tickets_app.overdue, tickets_app.from_chat])
    page.check("#ticket-breached")
    expect(ticket_items(page)).to_have_count(1)
    expect(ticket_items(page).first).to_have_attribute("data-ref", tickets_app.overdue)


def test_a_ticket_shows_its_conversation_in_order_and_sets_internal_notes_apart(page, tickets_app):
    page.goto("/console/tickets")
    page.locator(f'[data-testid="ticket-item"][data-ref="{tickets_app.from_chat}"]').click()
    expect(page).to_have_url(f"{tickets_app.url}/console/tickets/{tickets_app.from_chat}")
    turns = page.get_by_test_id("ticket-conversation").get_by_test_id("message")
    expect(turns).to_have_count(3)
    expect(turns.nth(0)).to_have_attribute("data-kind", "bot")
    expect(turns.nth(0)).to_contain_text("Assistant")
    expect(turns.nth(1)).to_have_attribute("data-kind", "customer")
    expect(turns.nth(1)).to_contain_text("Maya Thompson")
    expect(turns.nth(1)).to_contain_text("My TV arrived broken")
    expect(turns.nth(2)).to_contain_text("Which order?")
    expect(page.get_by_test_id("ticket-details")).to_contain_text("BW-104119")
    comments = page.get_by_test_id("ticket-comments")
    public = comments.locator('[data-comment="public"]')
    internal = comments.locator('[data-comment="internal"]')
    expect(public).to_contain_text("Public reply — the customer sees this")
    expect(internal).to_contain_text("Internal note — only agents see this")
    expect(internal).to_have_attribute("data-kind", "note")
    note_background = internal.locator(".msg-text").evaluate(
        "n => getComputedStyle(n).backgroundColor"
    )
    reply_background = public.locator(".msg-text").evaluate(
        "n => getComputedStyle(n).backgroundColor"
    )
    assert note_background != reply_background
    # a reload opens the same ticket
    page.reload()
    expect(page.get_by_test_id("ticket-title")).to_contain_text(tickets_app.from_chat)
    expect(page.locator("#view-tickets")).to_be_visible()


def test_the_customer_link_opens_the_record_and_back_returns_to_the_ticket(page, tickets_app):
    page.goto(f"/console/tickets/{tickets_app.overdue}")
    expect(page.get_by_test_id("ticket-title")).to_contain_text("Parcel never came")
    page.get_by_test_id("ticket-customer-link").click()
    expect(page).to_have_url(f"{tickets_app.url}/console/customers/C1003")
    expect(page.get_by_test_id("customer-profile")).to_contain_text("Sofia Martinez")
    page.go_back()
    expect(page).to_have_url(f"{tickets_app.url}/console/tickets/{tickets_app.overdue}")
    expect(page.locator("#view-tickets")).to_be_visible()
    expect(page.get_by_test_id("ticket-title")).to_contain_text(tickets_app.overdue)
    page.go_forward()
    expect(page.get_by_test_id("customer-profile")).to_contain_text("Sofia Martinez")


def test_a_pasted_customer_address_opens_the_record_and_an_unknown_one_says_so(page):
    page.goto("/console/customers/C1002")
    expect(page.locator("#view-customers")).to_be_visible()
    expect(page.get_by_test_id("customer-profile")).to_contain_text("Daniel Okafor")
    page.goto("/console/customers/C9999")
    expect(page.get_by_test_id("not-found")).to_have_text("Sorry, customer C9999 was not found.")
    page.goto("/console/tickets/garbage")
    expect(page.locator("#view-tickets [data-testid='not-found']")).to_contain_text("garbage")


def test_assign_to_me_takes_the_ticket(page, tickets_app):
    page.goto(f"/console/tickets/{tickets_app.bens}")
    expect(page.get_by_test_id("ticket-title")).to_contain_text(tickets_app.bens)
    page.get_by_test_id("assign-to-me").click()
    expect(page.get_by_test_id("console-alert")).to_have_text(
        f"{tickets_app.bens} is now assigned to Ana Lima."
    )
    item = page.locator(f'[data-testid="ticket-item"][data-ref="{tickets_app.bens}"]')
    expect(item).to_contain_text("Ana Lima")


def test_the_console_addresses_need_a_sign_in(browser, tickets_app):
    context = browser.new_context(base_url=tickets_app.url)
    page = context.new_page()
    page.goto(f"/console/tickets/{tickets_app.overdue}")
    expect(page).to_have_url(
        f"{tickets_app.url}/console/login?next=/console/tickets/{tickets_app.overdue}"
    )
    context.close()


def test_a_chat_has_its_own_address_and_old_chat_links_still_open_it(page, tickets_app):
    page.goto(f"/console#chat-{tickets_app.chat}")
    expect(page.get_by_test_id("summary")).to_be_visible()
    expect(page).to_have_url(f"{tickets_app.url}/console/chats/{tickets_app.chat}")
    page.locator(".view-tab[data-view='tickets']").click()
    expect(page).to_have_url(f"{tickets_app.url}/console/tickets")
    page.go_back()
    expect(page.locator("#view-chats")).to_be_visible()
    expect(page).to_have_url(f"{tickets_app.url}/console/chats/{tickets_app.chat}")
    page.reload()
    expect(page.get_by_test_id("summary")).to_be_visible()
    page.goto("/console/chats/not-a-chat")
    expect(page.get_by_test_id("not-found")).to_have_text("Sorry, chat not-a-chat was not found.")
