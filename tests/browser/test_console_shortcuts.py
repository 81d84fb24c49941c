"""The console's keyboard shortcuts in a real browser, against the web app alone (no
Rasa, as tests/browser/test_console.py): j/k and Alt+arrows move through the queue,
c claims, n and r switch between note and reply, letters typed in a box stay
text, Esc leaves the box, Ctrl+Enter sends, Alt+R resolves after asking, and ?
lists them all in the agent's language."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from helpdesk.agents import AgentAccounts
from helpdesk.config import PROJECT_ROOT
from helpdesk.db import Database
from helpdesk.replies import load_reply_catalogue
from tests.browser.test_console import _handoff as waiting_chat
from tests.browser.test_console import queue_item
from tests.browser.web_app import web_app_alone
from tests.conftest import import_demo

pytestmark = pytest.mark.browser

ANA = ("ana@brightwave.example", "Ana Lima", "ana password 123")
CATALOGUE = load_reply_catalogue(PROJECT_ROOT / "knowledge_base")


def console_text(key: str, lang: str = "en", **values) -> str:
    return CATALOGUE.text(f"console.{key}", lang, **values)


@pytest.fixture(scope="module")
def shortcuts_app(tmp_path_factory):
    """The web app with three waiting chats, most urgent first: first, second, third."""
    root = tmp_path_factory.mktemp("shortcuts")
    db = Database(f"sqlite:///{root / 'kefu.db'}")
    import_demo(db)
    AgentAccounts(db).create_agent(*ANA)
    chats = [
        waiting_chat(db, f"conv-{name}", f"Help with {name}", priority, collected={})
        for name, priority in (("first", 9), ("second", 5), ("third", 1))
    ]
    try:
        with web_app_alone(db.url, root, {"KEFU_SWEEP_SECONDS": "0"}) as url:
            yield url, chats
    finally:
        db.dispose()


@pytest.fixture
def console(browser, shortcuts_app):
    url, _ = shortcuts_app
    context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 800})
    response = context.request.post("/api/agent/login", data={"email": ANA[0], "password": ANA[2]})
    assert response.ok, response.text()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.accept()))
    page.goto("/console")
    expect(page.get_by_test_id("queue-item").first).to_be_visible()
    yield page
    context.close()


def selected(page, handoff_id: int):
    return expect(queue_item(page, handoff_id)).to_have_attribute("aria-current", "true")


def test_letters_move_through_the_queue_and_claim_and_ctrl_enter_sends(console, shortcuts_app):
    _, (first, second, third) = shortcuts_app
    expect(console.get_by_test_id("queue-item")).to_have_count(3)
    console.keyboard.press("j")
    selected(console, first)
    console.keyboard.press("j")
    selected(console, second)
    console.keyboard.press("Alt+ArrowDown")
    selected(console, third)
    console.keyboard.press("k")
    selected(console, second)
    console.keyboard.press("Alt+ArrowUp")
    selected(console, first)
    expect(console.get_by_test_id("summary")).to_contain_text("Help with first")

    console.keyboard.press("c")
    expect(queue_item(console, first)).to_have_attribute("data-status", "active")
    reply = console.get_by_test_id("reply-input")
    expect(reply).to_be_focused()  # as a click on Claim does
    console.keyboard.type("jack")  # letters in a box are text, not shortcuts
    expect(reply).to_have_value("jack")
    selected(console, first)

    console.keyboard.press("Escape")
    expect(reply).not_to_be_focused()
    console.keyboard.press("n")
    note = console.get_by_test_id("note-input")
    expect(note).to_be_focused()
    expect(reply).to_be_hidden()
    note.fill("Checked the order history")
    console.keyboard.press("Escape")
    console.keyboard.press("Control+Enter")  # sends from outside the box too
    expect(
        console.locator('[data-testid="message"][data-kind="note"]', has_text="Checked the order history")
    ).to_be_visible()
    console.keyboard.press("r")
    expect(reply).to_be_focused()
    expect(reply).to_have_value("jack")  # the reply box kept its text

    console.keyboard.press("Escape")
    console.keyboard.press("Alt+r")
    expect(queue_item(console, first)).to_have_count(0)  # resolved, after asking
    assert console.dialogs == [console_text("confirm_resolve")]


def test_the_question_mark_lists_the_shortcuts(console):
    help_list = console.get_by_test_id("shortcuts-help")
    expect(help_list).to_be_hidden()
    console.keyboard.press("?")
    expect(help_list).to_be_visible()
    expect(help_list.get_by_role("heading")).to_have_text(console_text("shortcuts_title"))
    for key in ("shortcut_next", "shortcut_claim", "shortcut_note", "shortcut_resolve", "shortcut_send"):
        expect(help_list).to_contain_text(console_text(key))
    console.keyboard.press("j")  # the list is open: the queue stays as it is
    expect(console.locator('[data-testid="queue-item"][aria-current="true"]')).to_have_count(0)
    console.keyboard.press("Escape")
    expect(help_list).to_be_hidden()
    console.get_by_test_id("shortcuts-button").click()  # the header's button opens it too
    expect(help_list).to_be_visible()
