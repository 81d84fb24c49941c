"""The queue tells the agent when support is closed (chats that come in become
tickets) and when it opens again; while open, until when. Against the web app
alone, with two copies of the knowledge base: one whose company is open only on
tomorrow's weekday (so it is closed now, whatever the hour of the test run), and
the one that never closes. The texts asserted on come from the reply catalogue."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml
from playwright.sync_api import expect

from helpdesk.agents import AgentAccounts
from helpdesk.config import PROJECT_ROOT
from helpdesk.db import Database
from helpdesk.replies import load_reply_catalogue
from ops.always_open import WEEKDAYS, always_open_knowledge_base
from tests.browser.web_app import web_app_alone
from tests.conftest import import_demo

pytestmark = pytest.mark.browser

ANA = ("ana@brightwave.example", "Ana Lima", "ana password 123")
CATALOGUE = load_reply_catalogue(PROJECT_ROOT / "knowledge_base")


def template(key: str) -> str:
    """A console text with its placeholders still in it."""
    return CATALOGUE.text(f"console.{key}", "en")


def closed_today_knowledge_base(target):
    """Open from 08:00 to 20:00 on tomorrow's weekday only (company time), no holidays."""
    always_open_knowledge_base(target)
    company = target / "company.yml"
    raw = yaml.safe_load(company.read_text())
    zone = ZoneInfo(raw["support_hours"]["timezone"])
    tomorrow = (datetime.now(zone) + timedelta(days=1)).weekday()
    raw["support_hours"]["weekly"] = {WEEKDAYS[tomorrow]: ["08:00", "20:00"]}
    company.write_text(yaml.safe_dump(raw, allow_unicode=True))
    return target


@pytest.fixture(scope="module", params=["closed", "open"])
def hours_app(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"hours-{request.param}")
    db = Database(f"sqlite:///{root / 'kefu.db'}")
    import_demo(db)
    AgentAccounts(db).create_agent(*ANA)
    make = closed_today_knowledge_base if request.param == "closed" else always_open_knowledge_base
    settings = {"KEFU_KNOWLEDGE_BASE": str(make(root / "kb"))}
    try:
        with web_app_alone(db.url, root, settings) as url:
            yield request.param, url
    finally:
        db.dispose()


def test_the_queue_says_whether_support_is_open_and_when_it_opens(browser, hours_app):
    state, url = hours_app
    context = browser.new_context(base_url=url)
    try:
        assert context.request.post(
            "/api/agent/login", data={"email": ANA[0], "password": ANA[2]}
        ).ok
        page = context.new_page()
        page.goto("/console")
        line = page.get_by_test_id("support-hours")
        hours = context.request.get("/api/support-hours").json()
        if state == "closed":
            assert hours["open"] is False
            expect(line).to_have_attribute("data-open", "false")
            before_when = template("support_closed_until").split("{when}")[0]
            expect(line).to_have_text(re.compile("^" + re.escape(before_when)))
            expect(line).to_contain_text("08:00 AM")  # tomorrow's opening, in the company's zone
        else:
            assert hours["open"] is True
            expect(line).to_have_attribute("data-open", "true")
            before_time = template("support_open_until").split("{time}")[0]
            expect(line).to_have_text(re.compile("^" + re.escape(before_time) + r"\d"))
    finally:
        context.close()
