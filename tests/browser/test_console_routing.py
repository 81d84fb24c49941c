"""Routing chats to teams, agents' status, and passing a chat on, in the console.

Against a stack of its own (the three real servers, like the shared one in
tests/conftest.py) whose sweeper runs every second, so a waiting chat is given to
an online agent within moments: Ana (team "Chinese") and Sam (team "Billing"), a
rule sending Chinese chats to the Chinese team and one sending billing chats to
Billing. A Chinese customer's chat from the widget goes to Ana, not Sam; Ana passes
it to Sam with a note; Sam holds it and reads the note, and the customer is told
in Chinese who took over. Sam going away stops chats being given to him.

A chat whose agent stays silent goes back to the queue and every agent is told:
against the web app alone (no Rasa, as tests/browser/test_console.py), with a
sweeper of its own that takes a chat back after three seconds of silence.

Sam's name is "Sam <b>Lee</b>": every place that shows it must show it as text.

The texts asserted on come from the reply catalogue, so rewording a text does not
break the test while a text falling back to its key or to English does."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Dict, Optional

import pytest
from playwright.sync_api import expect

from helpdesk.agents import AgentAccounts
from helpdesk.config import PROJECT_ROOT
from helpdesk.db import Database
from helpdesk.handoffs.teams import Teams
from helpdesk.replies import load_reply_catalogue
from ops.always_open import always_open_knowledge_base
from tests.browser.test_console import _handoff as handoff_for_console
from tests.browser.test_console import queue_item
from tests.browser.web_app import web_app_alone
from tests.conftest import import_demo, stack_on

pytestmark = [pytest.mark.stack, pytest.mark.browser]

ANA = ("ana@brightwave.example", "Ana Lima", "ana password 123")
SAM = ("sam@brightwave.example", "Sam <b>Lee</b>", "sam password 123")
CATALOGUE = load_reply_catalogue(PROJECT_ROOT / "knowledge_base")
MINE = re.compile(r"\bmine\b")  # the class of a queue row of the agent's own chats


def text(key: str, lang: str = "en", **values) -> str:
    return CATALOGUE.text(key, lang, **values)


def console_text(key: str, lang: str = "en", **values) -> str:
    return text(f"console.{key}", lang, **values)


def add_agents_and_teams(
    db: Database,
    sam: tuple = SAM,
    sams_team: tuple = ("billing", "Billing"),
    sams_rule: Optional[Dict[str, str]] = None,
) -> None:
    """Ana in the Chinese team, Sam in Billing (or `sams_team`); Chinese chats go to
    the Chinese team, billing questions (or `sams_rule`) to Sam's, any other chat to
    any online agent."""
    accounts = AgentAccounts(db)
    for email, name, password in (ANA, sam):
        accounts.create_agent(email, name, password)
    teams = Teams(db)
    teams.create("chinese", "Chinese")
    teams.add_member("chinese", ANA[0])
    teams.create(*sams_team)
    teams.add_member(sams_team[0], sam[0])
    teams.add_rule("chinese", language="zh")
    teams.add_rule(sams_team[0], **(sams_rule or {"category": "billing"}))


def waiting_chat(db: Database, conversation_id: str, customer_text: str, **extra) -> int:
    """A chat the bot handed over, as the escalation action records it; its id."""
    extra.setdefault("collected", {})
    return handoff_for_console(db, conversation_id, customer_text, extra.pop("priority", 0), **extra)


# ---- the servers -------------------------------------------------------------------


@dataclass
class Routing:
    web_url: str  # by the name the widget's page is allowed at
    db: Database


@pytest.fixture(scope="module")
def routing_stack(trained_model, tmp_path_factory):
    """Action server, Rasa and the web app with the demo data, the two agents, their
    teams and the rules; the sweeper gives waiting chats away every second and never
    takes one back (that is test_a_silent_agents_chat_goes_back_*)."""
    from ops.scratch_stack import demo_database

    root = tmp_path_factory.mktemp("routing")
    db = demo_database(root / "kefu.db")
    add_agents_and_teams(db)
    settings = {
        "KEFU_SWEEP_SECONDS": "1",
        "KEFU_SILENT_AGENT_MINUTES": "60",
        "KEFU_AGENT_AWAY_MINUTES": "60",
    }
    with stack_on(trained_model, root, db.url, **settings) as running:
        yield Routing(running.config.web_url.replace("127.0.0.1", "localhost"), db)
    db.dispose()


@pytest.fixture(scope="module")
def silent_app(tmp_path_factory):
    """The web app alone (Rasa's address is a port nothing listens on: the customer
    cannot be told, the console copes) with the demo data and the two agents; its
    sweeper runs twice a second and takes a chat back after three silent seconds."""
    root = tmp_path_factory.mktemp("silent")
    db = Database(f"sqlite:///{root / 'kefu.db'}")
    import_demo(db)
    add_agents_and_teams(db)
    settings = {
        "KEFU_KNOWLEDGE_BASE": str(always_open_knowledge_base(root / "kb")),
        "KEFU_SWEEP_SECONDS": "0.5",
        "KEFU_SILENT_AGENT_MINUTES": "0.05",
        "KEFU_AGENT_AWAY_MINUTES": "60",
    }
    try:
        with web_app_alone(db.url, root, settings) as url:
            yield Routing(url, db)
    finally:
        db.dispose()


# ---- the people --------------------------------------------------------------------


@pytest.fixture
def open_console(browser):
    """open_console(url, agent) -> the agent's console, signed in, in a browser
    context of its own; closed after the test."""
    contexts = []

    def opened(url: str, agent: tuple):
        context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 800})
        contexts.append(context)
        response = context.request.post(
            "/api/agent/login", data={"email": agent[0], "password": agent[2]}
        )
        assert response.ok, response.text()
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto("/console")
        expect(page.get_by_test_id("agent-status")).to_be_enabled()  # its status is known
        expect(page.locator(".live-status")).to_have_text(re.compile(r"\S"))  # events arrive
        return page

    yield opened
    for context in contexts:
        context.close()


@pytest.fixture
def customer(browser, routing_stack):
    context = browser.new_context(base_url=routing_stack.web_url)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def set_status(console, status: str) -> None:
    console.get_by_test_id("agent-status").select_option(status)
    expect(console.locator("body")).to_have_attribute("data-presence", status)
    expect(console.get_by_test_id("agent-status")).to_be_enabled()  # the server has it


def team_member(console, name: str):
    return console.get_by_test_id("team-member").filter(
        has=console.locator(".tm-name", has_text=name)
    )


def handoff_of(console, conversation_id: str) -> int:
    """The id of the chat of `conversation_id`, once it is in the queue."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        queue = console.request.get("/api/queue").json()
        found = [c["id"] for c in queue if c["conversation_id"] == conversation_id]
        if found:
            return found[0]
        console.wait_for_timeout(250)
    pytest.fail(f"no chat of {conversation_id} reached the queue")


def pass_chat_to_agent(console, agent: tuple, note: str) -> None:
    """Transfer → the agent (from the list, or by email when the list has no
    agents to choose from) → the note → confirm."""
    console.get_by_test_id("transfer").click()
    form = console.get_by_test_id("transfer-form")
    choices = form.get_by_test_id("transfer-to")
    expect(choices.locator("option", has_text="Billing")).to_have_count(1)  # the choices are in
    email = form.get_by_test_id("transfer-email")
    if email.is_visible():
        email.fill(agent[0])
    else:
        choices.select_option(value=f"agent:{agent[0]}")
    form.get_by_test_id("transfer-note").fill(note)
    form.get_by_test_id("transfer-confirm").click()


# ---- the tests ---------------------------------------------------------------------


def test_a_chinese_chat_goes_to_the_chinese_team_and_is_passed_on_with_a_note(
    routing_stack, open_console, customer
):
    url = routing_stack.web_url
    sam = open_console(url, SAM)
    # New agents are offline until they choose to be online.
    expect(sam.locator("body")).to_have_attribute("data-presence", "offline")
    set_status(sam, "online")
    ana = open_console(url, ANA)
    set_status(ana, "online")

    # Ana sees Sam in the Team panel: status, name as typed, load; not herself.
    sam_in_anas_team = team_member(ana, SAM[1])
    expect(sam_in_anas_team).to_have_attribute("data-status", "online")
    expect(sam_in_anas_team.locator(".tm-name")).to_have_text(SAM[1])
    expect(sam_in_anas_team).to_contain_text(console_text("agent_load", active=0, capacity=3))
    assert ana.get_by_test_id("team").locator("b").count() == 0
    expect(team_member(ana, ANA[1])).to_have_count(0)

    # A Chinese customer asks for a person.
    customer.goto("/?lang=zh")
    customer.get_by_role("button", name=text("widget.open_chat", "zh")).click()
    customer.locator(".kefu-msg.kefu-bot").first.wait_for()
    box = customer.get_by_label(text("widget.message_label", "zh"))
    box.fill("转人工客服")
    box.press("Enter")
    customer.locator(
        ".kefu-msg.kefu-bot", has_text=text("handoff.opening_customer_request", "zh")
    ).wait_for()
    chat = handoff_of(ana, customer.evaluate("localStorage.getItem('kefu:session')"))

    # The sweeper gives it to Ana (Chinese team), not Sam (Billing).
    in_anas_queue = queue_item(ana, chat)
    with_ana = console_text("handoff_with_you", agent=ANA[1])
    expect(in_anas_queue).to_contain_text(with_ana, timeout=30_000)
    expect(in_anas_queue).to_have_class(MINE)
    expect(in_anas_queue.get_by_test_id("queue-team")).to_have_text("Chinese")
    expect(in_anas_queue.get_by_test_id("new-for-you")).to_be_visible()
    in_sams_queue = queue_item(sam, chat)
    expect(in_sams_queue).to_contain_text(console_text("handoff_with", agent=ANA[1]))
    expect(in_sams_queue).not_to_have_class(MINE)
    customer.get_by_text(text("notices.agent_joined", "zh", agent=ANA[1])).wait_for()
    # Sam's Team panel follows the assignment: Ana is online and holds one chat.
    anas_load = team_member(sam, ANA[1])
    expect(anas_load).to_have_attribute("data-status", "online")
    expect(anas_load).to_contain_text(console_text("agent_load", active=1, capacity=3))

    # Ana passes it to Sam with a note.
    in_anas_queue.click()
    expect(ana.get_by_test_id("summary")).to_be_visible()
    expect(in_anas_queue.get_by_test_id("new-for-you")).to_have_count(0)  # opened
    expect(ana.get_by_test_id("transcript")).to_contain_text("转人工客服")
    note = "She was charged twice for her order; please refund the second charge."
    pass_chat_to_agent(ana, SAM, note)
    expect(ana.get_by_test_id("console-alert")).to_contain_text(
        console_text("done_transfer", customer=console_text("anonymous_in_sentence"), to=SAM[1])
    )
    expect(in_anas_queue).to_contain_text(console_text("handoff_with", agent=SAM[1]))
    expect(in_anas_queue).not_to_have_class(MINE)  # out of her chats
    expect(ana.get_by_test_id("transfer")).to_be_hidden()
    expect(ana.get_by_test_id("transfer-form")).to_have_count(0)
    passed = ana.get_by_test_id("transcript").locator('[data-event="transferred"]')
    expect(passed).to_contain_text(note)
    expect(passed).to_contain_text(console_text("internal_event"))

    # Sam holds it now, sees it is new for him, and reads the note.
    expect(in_sams_queue).to_contain_text(console_text("handoff_with_you", agent=SAM[1]))
    expect(in_sams_queue).to_have_class(MINE)
    expect(in_sams_queue.get_by_test_id("new-for-you")).to_be_visible()
    in_sams_queue.click()
    log = sam.get_by_test_id("transcript")
    expect(log.locator('[data-event="transferred"]')).to_contain_text(note)
    expect(log.locator('[data-event="transferred"]')).to_contain_text(
        console_text("internal_event")
    )
    expect(log).to_contain_text("转人工客服")
    expect(sam.get_by_test_id("reply-input")).to_be_visible()
    expect(sam.get_by_test_id("transfer")).to_be_visible()
    assert sam.locator("#conversation b, .queue b").count() == 0

    # The customer is told, in Chinese, who took over (Sam's name as text).
    customer.get_by_text(
        text("notices.transferred_to_agent", "zh", agent=ANA[1], to=SAM[1])
    ).wait_for()
    assert customer.locator(".kefu-msg b").count() == 0
    # The Team panels follow: Sam holds one chat, Ana none.
    expect(sam_in_anas_team).to_contain_text(console_text("agent_load", active=1, capacity=3))
    expect(anas_load).to_contain_text(console_text("agent_load", active=0, capacity=3))


def test_an_agent_who_is_away_is_given_no_chats_until_online_again(routing_stack, open_console):
    url, db = routing_stack.web_url, routing_stack.db
    sam = open_console(url, SAM)
    set_status(sam, "away")
    ana = open_console(url, ANA)
    set_status(ana, "online")
    expect(team_member(ana, SAM[1])).to_have_attribute("data-status", "away")

    # A billing question (Sam's team), then a Chinese chat (Ana's). Once Ana has the
    # Chinese one, the sweeper has been past the billing one too, and left it waiting.
    billing = waiting_chat(
        db, "away-billing", "I was charged twice", collected={"ticket_category": "billing"}
    )
    chinese = waiting_chat(db, "away-chinese", "我要退货", language="zh")
    expect(queue_item(ana, chinese)).to_contain_text(
        console_text("handoff_with_you", agent=ANA[1]), timeout=30_000
    )
    waiting = queue_item(sam, billing)
    expect(waiting).to_have_attribute("data-status", "waiting")
    expect(waiting.get_by_test_id("queue-team")).to_have_text("Billing")
    expect(waiting).to_contain_text(console_text("handoff_waiting"))

    # Back online: Sam gets it.
    set_status(sam, "online")
    expect(waiting).to_contain_text(console_text("handoff_with_you", agent=SAM[1]), timeout=30_000)
    expect(waiting.get_by_test_id("new-for-you")).to_be_visible()
    expect(team_member(ana, SAM[1])).to_have_attribute("data-status", "online")


def test_a_silent_agents_chat_goes_back_to_the_queue_and_every_agent_is_told(
    silent_app, open_console
):
    ana = open_console(silent_app.web_url, ANA)
    # Sam watches, offline, in a console in Chinese.
    sam = open_console(silent_app.web_url, SAM)
    sam.get_by_role("button", name="中文", exact=True).click()
    expect(sam.get_by_text(console_text("presence_label", "zh"))).to_be_visible()
    expect(sam.get_by_test_id("agent-status").locator("option:checked")).to_have_text(
        console_text("presence_offline", "zh")
    )
    expect(sam.get_by_test_id("team").locator("h2")).to_have_text(console_text("team_title", "zh"))

    set_status(ana, "online")
    chat = waiting_chat(
        silent_app.db,
        "silent-maya",
        "Where is my order?",
        customer_id="C1001",
        identity_method="token",
    )
    mine = queue_item(ana, chat)
    expect(mine).to_contain_text(console_text("handoff_with_you", agent=ANA[1]))

    # She writes nothing: three seconds later it is back in the queue, and everyone is told.
    alert = console_text("alert_requeued", agent=ANA[1], customer="Maya Thompson")
    expect(ana.get_by_test_id("console-alert")).to_have_text(alert)
    expect(sam.get_by_test_id("console-alert")).to_have_text(
        console_text("alert_requeued", "zh", agent=ANA[1], customer="Maya Thompson")
    )
    expect(mine).to_have_attribute("data-status", "waiting")
    mine.click()
    requeued = ana.get_by_test_id("transcript").locator('[data-event="requeued"]')
    expect(requeued).to_contain_text(text("desk.event_requeued", agent=ANA[1], minutes=1))
    expect(requeued).not_to_contain_text(console_text("internal_event"))  # the customer is told too
    # Ana is away now (the server set it), and her console says so; so does Sam's panel.
    expect(ana.locator("body")).to_have_attribute("data-presence", "away")
    expect(team_member(sam, ANA[1])).to_have_attribute("data-status", "away", timeout=30_000)
    expect(team_member(sam, ANA[1])).to_contain_text(
        console_text("agent_load", "zh", active=0, capacity=3)
    )
    expect(queue_item(sam, chat)).to_contain_text(console_text("handoff_waiting", "zh"))
