"""The console's alerts in a real browser, against the web app alone (no Rasa, as
tests/browser/test_console.py): a chat that starts waiting in the agent's team
makes one desktop notification and one sound, a chat of another team none; a
customer's message in a chat the agent holds alerts while another chat is open; a
chat whose pickup time is about to pass alerts; the sound can be muted, and stays
muted.

The browser grants the notifications permission; an init script wraps the page's
Notification and AudioContext so the test can count what the console made (and
still calls the real ones). The texts asserted on are the reply catalogue's."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from helpdesk.agents import AgentAccounts
from helpdesk.config import PROJECT_ROOT
from helpdesk.conversation_records import ConversationRecords
from helpdesk.db import Database
from helpdesk.handoffs.events import add_escalated_event
from helpdesk.handoffs.teams import Teams
from helpdesk.models import Handoff, Team, utcnow
from helpdesk.replies import load_reply_catalogue
from tests.browser.web_app import web_app_alone
from tests.conftest import import_demo

pytestmark = pytest.mark.browser

ANA = ("ana@brightwave.example", "Ana Lima", "ana password 123")
CATALOGUE = load_reply_catalogue(PROJECT_ROOT / "knowledge_base")
STANDARD_PICKUP = timedelta(minutes=10)  # knowledge_base/company.yml, tier standard

RECORD_ALERTS = """
(() => {
  const made = window.__made = { notifications: [], oscillators: 0 };
  const RealNotification = window.Notification;
  function RecordedNotification(title, options) {
    made.notifications.push({ title: title, body: (options || {}).body || "" });
    return new RealNotification(title, options);
  }
  Object.defineProperty(RecordedNotification, "permission", { get: () => RealNotification.permission });
  RecordedNotification.requestPermission = (callback) => RealNotification.requestPermission(callback);
  window.Notification = RecordedNotification;
  const RealContext = window.AudioContext;
  window.AudioContext = class extends RealContext {
    createOscillator() { made.oscillators += 1; return super.createOscillator(); }
  };
})();
"""


def console_text(key: str, **values) -> str:
    return CATALOGUE.text(f"console.{key}", "en", **values)


@dataclass
class AlertsApp:
    url: str
    db: Database


@pytest.fixture(scope="module")
def alerts_app(tmp_path_factory):
    """The web app with the demo data and Ana, who is in the Billing team (the
    Chinese team is someone else's); no chat waits yet."""
    root = tmp_path_factory.mktemp("alerts")
    db = Database(f"sqlite:///{root / 'kefu.db'}")
    import_demo(db)
    AgentAccounts(db).create_agent(*ANA)
    teams = Teams(db)
    teams.create("billing", "Billing")
    teams.add_member("billing", ANA[0])
    teams.create("chinese", "Chinese")
    try:
        with web_app_alone(db.url, root, {"KEFU_SWEEP_SECONDS": "0"}) as url:
            yield AlertsApp(url, db)
    finally:
        db.dispose()


def waiting_chat(db: Database, conversation_id: str, team: str, waited=timedelta(0)) -> int:
    """A chat the bot handed over, routed to `team` in the same transaction (so no
    console ever sees it without its team); its id."""
    created = utcnow() - waited
    with db.session() as session:
        team_id = session.execute(select(Team.id).where(Team.key == team)).scalar_one()
        row = Handoff(
            conversation_id=conversation_id,
            reason="customer_request",
            status="waiting",
            priority=0,
            transcript=[{"role": "customer", "text": "I need a person", "timestamp": time.time()}],
            transcript_text="I need a person",
            collected={},
            created_at=created,
            team_id=team_id,
        )
        session.add(row)
        session.flush()
        add_escalated_event(session, row.id, "The customer asked for a person.", created)
        return row.id


@pytest.fixture
def console(browser, alerts_app):
    context = browser.new_context(base_url=alerts_app.url, viewport={"width": 1280, "height": 800})
    context.grant_permissions(["notifications"], origin=alerts_app.url)
    context.add_init_script(RECORD_ALERTS)
    response = context.request.post("/api/agent/login", data={"email": ANA[0], "password": ANA[2]})
    assert response.ok, response.text()
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())
    open_console(page)
    yield page
    context.close()


def open_console(page) -> None:
    page.goto("/console")
    expect(page.locator(".live-status")).to_have_text(console_text("live"))
    # The first queue answer is in and the agent's teams are known: what waits from
    # now on is news.
    expect(page.get_by_test_id("in-page-alerts")).to_have_attribute("data-watching", "true")


def made(page) -> dict:
    return page.evaluate("window.__made")


def alert_titled(page, title: str):
    return page.get_by_test_id("in-page-alert").filter(has_text=title)


def test_a_new_chat_in_the_agents_team_alerts_once_with_a_sound(console, alerts_app):
    toggle = console.get_by_test_id("alerts-toggle")
    expect(toggle).to_have_text(console_text("alerts_on"))  # the browser allowed it
    expect(toggle).to_have_attribute("aria-pressed", "true")

    waiting_chat(alerts_app.db, "conv-other-team", "chinese")
    mine = waiting_chat(alerts_app.db, "conv-billing", "billing")
    new_chat = alert_titled(console, console_text("alert_new_chat"))
    expect(new_chat).to_have_count(1)
    expect(new_chat).to_contain_text("The customer asked for a person")
    console.wait_for_timeout(1500)  # the queue is fetched again: no second alert
    assert made(console)["notifications"] == [
        {"title": console_text("alert_new_chat"), "body": new_chat.locator("span").inner_text()}
    ]  # and none for the other team's chat
    assert made(console)["oscillators"] == 2  # one sound: two tones

    new_chat.locator(".in-page-alert-open").click()  # opens the chat
    expect(console).to_have_url(f"{alerts_app.url}/console/chats/{mine}")
    expect(console.get_by_test_id("summary")).to_be_visible()


def test_a_customer_message_alerts_the_holder_looking_at_another_chat(console, alerts_app):
    held = waiting_chat(alerts_app.db, "conv-held", "billing")
    other = waiting_chat(alerts_app.db, "conv-looked-at", "billing")
    assert console.request.post(f"/api/handoffs/{held}/claim").ok
    console.locator(f'[data-testid="queue-item"][data-handoff-id="{other}"]').click()
    expect(console.get_by_test_id("summary")).to_be_visible()

    ConversationRecords(alerts_app.db).route_customer_message("conv-held", "Any news?", utcnow())
    title = console_text("alert_new_message", customer=console_text("anonymous_visitor"))
    expect(alert_titled(console, title)).to_contain_text("Any news?")
    assert {"title": title, "body": "Any news?"} in made(console)["notifications"]


def test_a_chat_about_to_miss_its_pickup_time_alerts(console, alerts_app):
    waiting_chat(alerts_app.db, "conv-late", "billing", waited=STANDARD_PICKUP - timedelta(seconds=30))
    expect(alert_titled(console, console_text("alert_pickup_due"))).to_have_count(1)


def test_muting_silences_the_sound_and_is_remembered(console, alerts_app):
    sound = console.get_by_test_id("sound-toggle")
    expect(sound).to_have_text(console_text("sound_on"))
    sound.click()
    expect(sound).to_have_text(console_text("sound_off"))
    open_console(console)  # a reload keeps it
    expect(console.get_by_test_id("sound-toggle")).to_have_text(console_text("sound_off"))

    waiting_chat(alerts_app.db, "conv-muted", "billing")
    expect(alert_titled(console, console_text("alert_new_chat"))).to_have_count(1)
    titles = [n["title"] for n in made(console)["notifications"]]
    assert titles.count(console_text("alert_new_chat")) == 1  # the desktop alert still comes
    assert made(console)["oscillators"] == 0
