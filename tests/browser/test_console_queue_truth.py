"""The console keeps every agent's picture true, in a real browser against the web
app alone (no Rasa: telling a customer anything fails, the console copes), with a
sweeper every second, support always open and a customer who closes their chat
window given four seconds to come back:

- a Premier chat of an upset customer who asked for it urgently arrives behind two
  waiting chats and goes to the top, its chips saying why;
- a waiting customer closes the chat: "Customer away" counts down to the ticket,
  the sweep turns it into one, and the page says so with the ticket's link, which
  opens the ticket;
- a half-written reply survives a reload;
- Turn into ticket takes the category and subject the agent chose;
- the bot's message in the transcript shows its link and list, not raw Markdown,
  and a link to anything but a web address stays text.

The texts asserted on come from the reply catalogue."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from helpdesk.agents import AgentAccounts
from helpdesk.config import PROJECT_ROOT
from helpdesk.conversation_records import ConversationRecords
from helpdesk.db import Database
from helpdesk.models import utcnow
from helpdesk.replies import load_reply_catalogue
from ops.always_open import always_open_knowledge_base
from tests.browser.test_console import _handoff, open_chat, queue_item
from tests.browser.web_app import web_app_alone
from tests.conftest import import_demo

pytestmark = pytest.mark.browser

EMAIL, NAME, PASSWORD = "ana@brightwave.example", "Ana Lima", "ana password 123"
CATALOGUE = load_reply_catalogue(PROJECT_ROOT / "knowledge_base")
LEFT_GRACE_SECONDS = 4
BOT_WITH_MARKDOWN = (
    "Here is what to do:\n"
    "- read [our returns policy](https://www.brightwave.example/help/returns)\n"
    "- then **reply here**\n"
    "Not a link: [click me](javascript:alert(1))"
)


def console_text(key: str, **values) -> str:
    return CATALOGUE.text(f"console.{key}", "en", **values)


def waiting_chat(db: Database, conversation_id: str, customer_text: str, **extra) -> int:
    """A chat the bot handed over, as the escalation action records it; its id."""
    extra.setdefault("collected", {})
    return _handoff(db, conversation_id, customer_text, extra.pop("priority", 0), **extra)


@pytest.fixture(scope="module")
def truth_app(tmp_path_factory):
    root = tmp_path_factory.mktemp("queue-truth")
    db = Database(f"sqlite:///{root / 'kefu.db'}")
    import_demo(db)
    AgentAccounts(db).create_agent(EMAIL, NAME, PASSWORD)  # offline: nothing is assigned to her
    settings = {
        "KEFU_KNOWLEDGE_BASE": str(always_open_knowledge_base(root / "kb")),
        "KEFU_SWEEP_SECONDS": "1",
        "KEFU_LEFT_GRACE_SECONDS": str(LEFT_GRACE_SECONDS),
    }
    try:
        with web_app_alone(db.url, root, settings) as url:
            yield url, db
    finally:
        db.dispose()


@pytest.fixture
def console(browser, truth_app):
    url, _ = truth_app
    context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("dialog", lambda dialog: dialog.accept())
    response = context.request.post("/api/agent/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.ok, response.text()
    page.goto("/console")
    yield page
    context.close()


def test_a_premier_chat_goes_to_the_top_and_its_chips_say_why(console, truth_app):
    _, db = truth_app
    first = waiting_chat(db, "conv-std-1", "My parcel is late", priority=2)
    second = waiting_chat(db, "conv-std-2", "Wrong colour", priority=2)
    expect(queue_item(console, second)).to_be_visible()
    expect(queue_item(console, first).get_by_test_id("rank-chip")).to_have_count(0)
    premier = waiting_chat(
        db,
        "conv-premier",
        "This is the third time it broke!",
        priority=9,
        customer_id="C1001",
        identity_method="token",
        sentiment=0.8,
        collected={"ticket_urgency": "high"},
    )
    expect(console.get_by_test_id("queue-item").first).to_have_attribute(
        "data-handoff-id", str(premier), timeout=5_000
    )
    expect(queue_item(console, premier).get_by_test_id("rank-chip")).to_have_text(
        [console_text("rank_premier"), console_text("rank_urgent"), console_text("rank_upset")]
    )


def test_an_away_customers_chat_counts_down_becomes_a_ticket_and_the_page_links_it(
    console, truth_app
):
    _, db = truth_app
    chat = waiting_chat(db, "conv-away", "Is my refund coming?", priority=1)
    expect(queue_item(console, chat)).to_be_visible()
    ConversationRecords(db).customer_presence("conv-away", False, utcnow())
    away = queue_item(console, chat).get_by_test_id("customer-away")
    expect(away).to_contain_text(re.compile(r"ticket in 0:0[0-4]"), timeout=5_000)

    notice = console.get_by_test_id("left-queue-notice")
    expect(notice).to_contain_text(console_text("left_why_customer_left"), timeout=15_000)
    expect(queue_item(console, chat)).to_have_count(0)
    link = notice.get_by_test_id("ticket-link")
    ref = link.text_content()
    assert re.fullmatch(r"T-\d+", ref)
    link.click()
    expect(console.locator("#ticket-detail")).to_contain_text(ref)


def test_a_half_written_reply_survives_a_reload(console, truth_app):
    _, db = truth_app
    chat = waiting_chat(db, "conv-draft", "Hello?", priority=0)
    open_chat(console, chat)
    console.get_by_test_id("claim").click()
    console.get_by_test_id("reply-input").fill("Let me look at your order, one")
    console.reload()
    console.get_by_test_id("summary").wait_for()  # the chat in the address opens again
    expect(console.get_by_test_id("reply-input")).to_have_value("Let me look at your order, one")


def test_turning_a_chat_into_a_ticket_takes_the_agents_category_and_subject(console, truth_app):
    _, db = truth_app
    chat = waiting_chat(db, "conv-convert", "The screen of my TV is cracked", priority=0)
    open_chat(console, chat)
    console.get_by_test_id("claim").click()
    console.get_by_test_id("convert").click()
    subject = console.get_by_test_id("convert-subject")
    expect(subject).to_have_value("The screen of my TV is cracked")
    console.get_by_test_id("convert-category").select_option("damaged_item")
    subject.fill("Cracked TV screen on delivery")
    console.get_by_test_id("convert-confirm").click()
    alert = console.get_by_test_id("console-alert")
    expect(alert).to_contain_text("is now ticket T-")
    ref = re.search(r"T-\d+", alert.text_content()).group(0)
    ticket = console.context.request.get(f"/api/tickets/{ref}").json()
    assert (ticket["category"], ticket["subject"]) == ("damaged_item", "Cracked TV screen on delivery")


def test_the_bots_message_shows_its_link_and_list_and_a_bad_link_stays_text(console, truth_app):
    _, db = truth_app
    chat = waiting_chat(db, "conv-markdown", "ok", priority=0, bot_text=BOT_WITH_MARKDOWN)
    open_chat(console, chat)
    bot = console.get_by_test_id("transcript").locator('[data-kind="bot"]').first
    link = bot.get_by_role("link", name="our returns policy")
    expect(link).to_have_attribute("href", "https://www.brightwave.example/help/returns")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(bot.locator("li")).to_have_count(2)
    expect(bot.locator("strong")).to_have_text("reply here")
    expect(bot.locator("a")).to_have_count(1)  # javascript: is no link
    expect(bot).to_contain_text("[click me](javascript:alert(1))")
    assert "**" not in bot.text_content()
