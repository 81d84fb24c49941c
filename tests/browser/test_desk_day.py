"""A working hour at the desk: two agents in two teams and two customers at once,
against the real servers (action server, Rasa, web app) with the sweeper running
every second and room for one chat per agent.

Ana is in the Chinese team (Chinese chats go there), Sam in Premier care (chats of
Premier customers go there). Maya, a Premier customer signed in on the shop, and an
anonymous Chinese visitor both ask for a person from the widget:
- each chat is given to the agent of its team, and Sam's console raises a desktop
  notification for the chat given to him;
- a second Chinese chat waits, as Ana has no room left, until Ana passes her chat
  on to Sam with a note; then it is hers;
- Maya and Sam each see the other typing;
- Sam greets Maya with a canned reply whose first name the server filled in;
- Sam finds Maya's chat by a phrase she wrote, with the header's search box;
- Sam turns her chat into a ticket, opens it at its own address, and a reload of
  that address shows the same ticket.

(The silent agent whose chat goes back to the queue is tests/browser/
test_console_routing.py's last test, with the same two agents.)

The texts asserted on come from the reply catalogue, so rewording a text does not
break the test while a text falling back to its key or to English does."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from helpdesk.canned_placeholders import fill_placeholders
from helpdesk.canned_replies import CannedReplies
from helpdesk.company import load_company
from helpdesk.config import PROJECT_ROOT
from helpdesk.db import Database
from tests.browser.test_console import queue_item
from tests.browser.test_console_alerts import RECORD_ALERTS
from tests.browser.test_console_routing import (
    ANA,
    add_agents_and_teams,
    console_text,
    handoff_of,
    set_status,
    text,
)
from tests.browser.test_console_routing import waiting_chat as chat_in_queue
from tests.browser.test_handoff import sign_in_as_maya
from tests.conftest import stack_on

pytestmark = [pytest.mark.stack, pytest.mark.browser]

SAM = ("sam@brightwave.example", "Sam Lee", "sam password 123")  # his name as plain text here
MAYAS_PROBLEM = "my smart speakers order BW-104119 is late"


@dataclass
class Desk:
    web_url: str
    db: Database


@pytest.fixture(scope="module")
def desk(trained_model, tmp_path_factory):
    from ops.scratch_stack import demo_database

    root = tmp_path_factory.mktemp("desk-day")
    db = demo_database(root / "kefu.db")
    add_agents_and_teams(db, SAM, ("premier", "Premier care"), {"tier": "premier"})
    settings = {
        "KEFU_SWEEP_SECONDS": "1",
        "KEFU_AGENT_CAPACITY": "1",
        "KEFU_SILENT_AGENT_MINUTES": "60",
        "KEFU_AGENT_AWAY_MINUTES": "60",
    }
    with stack_on(trained_model, root, db.url, **settings) as running:
        yield Desk(running.config.web_url.replace("127.0.0.1", "localhost"), db)
    db.dispose()


@pytest.fixture
def people(browser, desk):
    """people(agent=None) -> a page in a browser context of its own: an agent's
    console, signed in and online, that records the notifications and sounds it
    makes; or, without an agent, a customer on the shop page."""
    contexts = []

    def person(agent=None):
        context = browser.new_context(
            base_url=desk.web_url, viewport={"width": 1280, "height": 800}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        if agent is None:
            return page
        context.grant_permissions(["notifications"], origin=desk.web_url)
        context.add_init_script(RECORD_ALERTS)
        response = context.request.post(
            "/api/agent/login", data={"email": agent[0], "password": agent[2]}
        )
        assert response.ok, response.text()
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto("/console")
        expect(page.get_by_test_id("in-page-alerts")).to_have_attribute("data-watching", "true")
        set_status(page, "online")
        return page

    yield person
    for context in contexts:
        context.close()


def ask_for_a_person_in_chinese(customer) -> str:
    """The visitor asks for a person in Chinese; their conversation id."""
    customer.goto("/?lang=zh")
    customer.get_by_role("button", name=text("widget.open_chat", "zh")).click()
    customer.locator(".kefu-msg.kefu-bot").first.wait_for()
    box = customer.get_by_label(text("widget.message_label", "zh"))
    box.fill("转人工客服")
    box.press("Enter")
    customer.locator(
        ".kefu-msg.kefu-bot", has_text=text("handoff.opening_customer_request", "zh")
    ).wait_for()
    return customer.evaluate("localStorage.getItem('kefu:session')")


def ask_for_a_person_as_maya(customer) -> str:
    sign_in_as_maya(customer)
    customer.get_by_role("button", name=text("widget.open_chat")).click()
    customer.locator(".kefu-msg.kefu-bot").first.wait_for()
    box = customer.get_by_label(text("widget.message_label"))
    for message in (MAYAS_PROBLEM, "I want to talk to a person"):
        box.fill(message)
        box.press("Enter")
    customer.locator(".kefu-msg.kefu-bot", has_text="in the queue").wait_for()
    return customer.evaluate("localStorage.getItem('kefu:session')")


def with_agent(console, chat: int, agent: tuple):
    row = queue_item(console, chat)
    expect(row).to_contain_text(console_text("handoff_with_you", agent=agent[1]), timeout=30_000)
    return row


def test_two_agents_in_two_teams_work_two_customers_at_once(desk, people):
    sam, ana = people(SAM), people(ANA)
    maya, visitor = people(), people()

    # Both customers ask for a person; each chat goes to its team's agent.
    mayas_chat = handoff_of(sam, ask_for_a_person_as_maya(maya))
    visitors_chat = handoff_of(ana, ask_for_a_person_in_chinese(visitor))
    mayas_row = with_agent(sam, mayas_chat, SAM)
    expect(mayas_row.get_by_test_id("queue-team")).to_have_text("Premier care")
    visitors_row = with_agent(ana, visitors_chat, ANA)
    expect(visitors_row.get_by_test_id("queue-team")).to_have_text("Chinese")
    maya.get_by_text(text("notices.agent_joined", agent=SAM[1])).wait_for()
    visitor.get_by_text(text("notices.agent_joined", "zh", agent=ANA[1])).wait_for()
    # Sam's console told him with a desktop notification (and a sound).
    notified = wait_for_notification(sam, console_text("alert_given_chat"))
    assert "Maya Thompson" in notified["body"]
    assert sam.evaluate("window.__made.oscillators") >= 1

    # A second Chinese chat waits: Ana, the Chinese team, has room for one chat only.
    second = chat_in_queue(desk.db, "desk-day-zh-2", "我想退货", language="zh")
    waiting = queue_item(ana, second)
    expect(waiting).to_have_attribute("data-status", "waiting")
    expect(waiting.get_by_test_id("queue-team")).to_have_text("Chinese")
    ana.wait_for_timeout(3000)  # three sweeps
    expect(waiting).to_have_attribute("data-status", "waiting")

    # Ana passes her chat to Sam with a note; now she has room and the waiting chat is hers.
    visitors_row.click()
    expect(ana.get_by_test_id("transcript")).to_contain_text("转人工客服")
    ana.get_by_test_id("transfer").click()
    form = ana.get_by_test_id("transfer-form")
    choices = form.get_by_test_id("transfer-to")
    expect(choices.locator("option", has_text="Premier care")).to_have_count(1)  # teams too
    choices.select_option(value=f"agent:{SAM[0]}")
    form.get_by_test_id("transfer-note").fill("Asks for a refund of a double charge.")
    form.get_by_test_id("transfer-confirm").click()
    with_agent(sam, visitors_chat, SAM)
    with_agent(ana, second, ANA)
    visitor.get_by_text(
        text("notices.transferred_to_agent", "zh", agent=ANA[1], to=SAM[1])
    ).wait_for()

    # Maya and Sam see each other typing.
    mayas_row = queue_item(sam, mayas_chat)
    mayas_row.click()
    expect(sam.get_by_test_id("transcript")).to_contain_text(MAYAS_PROBLEM)
    maya.get_by_label(text("widget.message_label")).press_sequentially("is there any ne", delay=60)
    expect(sam.get_by_test_id("customer-typing")).to_have_text(
        console_text("customer_typing", customer="Maya Thompson")
    )
    reply = sam.get_by_test_id("reply-input")
    reply.press_sequentially("Let me check", delay=60)
    expect(maya.get_by_test_id("agent-typing")).to_contain_text(
        text("widget.agent_typing", agent=SAM[1])
    )

    # Sam greets her with the canned greeting, her first name filled in by the server.
    reply.fill("")
    reply.press_sequentially("/gre")
    option = sam.get_by_test_id("canned-picker").locator(
        '[data-testid="canned-option"][data-shortcut="greeting"]'
    )
    expect(option).to_have_attribute("aria-selected", "true")
    reply.press("Enter")
    facts = load_company(PROJECT_ROOT / "knowledge_base")
    values = {"first_name": "Maya", "agent_name": SAM[1], "company": facts.name}
    greeting, missing = fill_placeholders(
        CannedReplies(desk.db).find("en", "greeting").body, values
    )
    assert missing == ()
    expect(reply).to_have_value(greeting)
    sam.get_by_test_id("reply-send").click()
    maya.locator(".kefu-msg.kefu-agent", has_text=greeting).wait_for()
    expect(maya.get_by_test_id("agent-typing")).to_be_hidden()

    # The header's search finds her chat by words she wrote.
    search = sam.locator("#console-search-input")
    search.fill("smart speakers")
    search.press("Enter")
    hit = sam.get_by_test_id("search-group-chat").locator(
        f'[data-testid="search-hit"][data-ref="{mayas_chat}"]'
    )
    expect(hit).to_contain_text("Maya Thompson")

    # Sam turns it into a ticket; the ticket has an address that survives a reload.
    hit.click()
    expect(sam.get_by_test_id("convert")).to_be_visible()
    sam.get_by_test_id("convert").click()
    sam.get_by_test_id("convert-category").select_option("delivery")
    sam.get_by_test_id("convert-subject").fill("Smart speakers order BW-104119 is late")
    sam.get_by_test_id("convert-confirm").click()
    alert = sam.get_by_test_id("console-alert")
    expect(alert).to_contain_text("T-")
    ref = re.search(r"T-\d+", alert.text_content()).group(0)
    sam.goto(f"/console/tickets/{ref}")
    expect(sam.get_by_test_id("ticket-title")).to_contain_text(ref)
    sam.reload()
    expect(sam.get_by_test_id("ticket-title")).to_contain_text(
        f"{ref} · Smart speakers order BW-104119 is late"
    )
    assert sam.url.endswith(f"/console/tickets/{ref}")
    expect(sam.get_by_test_id("ticket-conversation")).to_contain_text(MAYAS_PROBLEM)


def wait_for_notification(console, title: str) -> dict:
    """The first desktop notification the console made with `title`."""
    for _ in range(120):
        made = console.evaluate("window.__made.notifications")
        found = [n for n in made if n["title"] == title]
        if found:
            return found[0]
        console.wait_for_timeout(250)
    pytest.fail(f"no notification {title!r}; made: {made}")
