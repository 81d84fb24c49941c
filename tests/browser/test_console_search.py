"""The console's search box in a real browser, against the web app alone (no Rasa):
a phrase from a chat's transcript finds the chat, words of a ticket find the
ticket, a name finds the customer, grouped by kind; each result opens where it
belongs, and text a customer typed is shown as text."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from helpdesk.agents import AgentAccounts
from helpdesk.db import Database
from tests.browser.test_console import _handoff
from tests.browser.web_app import web_app_alone
from tests.conftest import import_demo

pytestmark = pytest.mark.browser

AGENT = ("ana@brightwave.example", "Ana Lima", "ana password 123")
PHRASE = "my blender smells like burnt toast"
NASTY = "<img src=x onerror=alert(1)> blender"


@dataclass
class SearchApp:
    url: str
    db: Database
    blender: int  # a chat whose transcript holds PHRASE


@pytest.fixture(scope="module")
def search_app(tmp_path_factory):
    root = tmp_path_factory.mktemp("search")
    db = Database(f"sqlite:///{root / 'kefu.db'}")
    import_demo(db)
    AgentAccounts(db).create_agent(*AGENT)
    blender = _handoff(
        db,
        "conv-blender",
        f"Hello, {PHRASE} since Monday",
        3,
        collected={},
        customer_id="C1002",
        identity_method="token",
    )
    _handoff(db, "conv-nasty", NASTY, 1, collected={})
    try:
        with web_app_alone(db.url, root, {"KEFU_SWEEP_SECONDS": "0"}) as url:
            yield SearchApp(url, db, blender)
    finally:
        db.dispose()


@pytest.fixture
def console(browser, search_app):
    context = browser.new_context(base_url=search_app.url, viewport={"width": 1280, "height": 800})
    response = context.request.post(
        "/api/agent/login", data={"email": AGENT[0], "password": AGENT[2]}
    )
    assert response.ok, response.text()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto("/console")
    yield page
    context.close()


def search(page, query):
    box = page.locator("#console-search-input")
    box.fill(query)
    box.press("Enter")
    return page.get_by_test_id("search-results")


def test_a_transcript_phrase_finds_the_chat_and_opens_it(console, search_app):
    results = search(console, "smells like burnt")
    hit = results.get_by_test_id("search-group-chat").locator(
        f'[data-testid="search-hit"][data-ref="{search_app.blender}"]'
    )
    expect(hit).to_contain_text("Daniel Okafor")
    expect(hit).to_contain_text("burnt toast")
    hit.click()
    expect(results).to_be_hidden()
    expect(console.get_by_test_id("transcript")).to_contain_text(PHRASE)


def test_a_tickets_words_find_it_and_open_it_in_the_tickets_view(console):
    results = search(console, "charged twice")
    hit = results.get_by_test_id("search-group-ticket").locator(
        '[data-testid="search-hit"][data-ref="T-00001"]'
    )
    expect(hit).to_contain_text("Charged twice")
    hit.click()
    expect(console.locator("#view-tickets")).to_be_visible()
    expect(console.locator("#ticket-detail")).to_contain_text("T-00001 · Charged twice")


def test_a_name_finds_the_customer_and_the_keyboard_reaches_the_result(console):
    box = console.locator("#console-search-input")
    box.fill("Maya Thompson")  # typing searches after a pause, without Enter
    results = console.get_by_test_id("search-results")
    customer = results.get_by_test_id("search-group-customer").get_by_test_id("search-hit").first
    expect(customer).to_contain_text("C1001")
    box.press("ArrowDown")
    expect(results.get_by_test_id("search-hit").first).to_be_focused()
    console.keyboard.press("Escape")
    expect(results).to_be_hidden()
    expect(box).to_be_focused()
    search(console, "Maya Thompson").get_by_test_id("search-group-customer").get_by_test_id(
        "search-hit"
    ).first.click()
    expect(console.locator("#view-customers")).to_be_visible()
    expect(console.locator("#customer-list")).to_contain_text("Maya Thompson")


def test_what_a_customer_typed_shows_as_text_in_the_results(console):
    results = search(console, "onerror")
    expect(results.get_by_test_id("search-hit").first).to_contain_text("<img src=x")
    assert results.locator("img").count() == 0
    console.wait_for_timeout(300)
    assert console.dialogs == []


def test_a_search_that_finds_nothing_says_so(console):
    results = search(console, "zzqx nothing like this")
    expect(results).to_contain_text("zzqx nothing like this")
    expect(results.get_by_test_id("search-hit")).to_have_count(0)
