"""The console's Admin view in a real browser, against the web app alone (no Rasa):
an admin creates an agent, a team, puts the agent in it, adds a routing rule and a
canned reply, and each change is what the service core holds; a plain agent sees
no Admin tab and the API refuses them.

The texts asserted on come from the reply catalogue, so rewording one does not
break the test while a text falling back to its key does."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from helpdesk.agent_presence import ADMIN, AgentPresence
from helpdesk.agents import AgentAccounts
from helpdesk.canned_replies import CannedReplies
from helpdesk.config import PROJECT_ROOT
from helpdesk.db import Database
from helpdesk.handoffs.teams import ChatFacts, Teams
from helpdesk.replies import load_reply_catalogue
from tests.browser.web_app import web_app_alone
from tests.conftest import import_demo

pytestmark = pytest.mark.browser

ADA = ("ada@brightwave.example", "Ada Park", "ada password 123")
SAM = ("sam@brightwave.example", "Sam <b>Lee</b>", "sam password 123")
CATALOGUE = load_reply_catalogue(PROJECT_ROOT / "knowledge_base")


def console_text(key: str, **values) -> str:
    return CATALOGUE.text(f"console.{key}", "en", **values)


@dataclass
class AdminApp:
    url: str
    db: Database


@pytest.fixture(scope="module")
def admin_app(tmp_path_factory):
    """The web app with the demo data, Ada (an admin) and Sam (an agent)."""
    root = tmp_path_factory.mktemp("admin")
    db = Database(f"sqlite:///{root / 'kefu.db'}")
    import_demo(db)
    for email, name, password in (ADA, SAM):
        AgentAccounts(db).create_agent(email, name, password)
    AgentPresence(db).set_role(ADA[0], ADMIN)
    try:
        with web_app_alone(db.url, root, {"KEFU_SWEEP_SECONDS": "0"}) as url:
            yield AdminApp(url, db)
    finally:
        db.dispose()


def signed_in(browser, admin_app, who):
    context = browser.new_context(base_url=admin_app.url, viewport={"width": 1400, "height": 900})
    response = context.request.post("/api/agent/login", data={"email": who[0], "password": who[2]})
    assert response.ok, response.text()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("dialog", lambda dialog: dialog.accept())  # "Remove ...?": yes
    page.goto("/console")
    return context, page


def test_an_admin_creates_an_agent_a_team_a_rule_and_a_canned_reply(browser, admin_app):
    context, page = signed_in(browser, admin_app, ADA)
    try:
        page.get_by_test_id("admin-tab").click()
        view = page.get_by_test_id("admin-view")
        expect(view.get_by_test_id("admin-agent").first).to_be_visible()

        create = view.get_by_test_id("admin-new-agent")
        create.get_by_test_id("admin-new-agent-email").fill("kim@brightwave.example")
        create.get_by_test_id("admin-new-agent-name").fill("Kim Ito")
        create.get_by_test_id("admin-new-agent-password").fill("kim password 12")
        create.get_by_role("button", name=console_text("admin_create_agent")).click()
        kim = view.locator('[data-testid="admin-agent"][data-email="kim@brightwave.example"]')
        expect(kim).to_contain_text("Kim Ito")
        expect(page.get_by_test_id("console-alert")).to_have_text(console_text("admin_saved"))

        # A refusal is the API's sentence, in the message bar.
        create.get_by_test_id("admin-new-agent-email").fill("kim@brightwave.example")
        create.get_by_test_id("admin-new-agent-name").fill("Kim Again")
        create.get_by_test_id("admin-new-agent-password").fill("kim password 12")
        create.get_by_role("button", name=console_text("admin_create_agent")).click()
        expect(page.get_by_test_id("console-alert")).to_contain_text("already")

        new_team = view.get_by_test_id("admin-new-team")
        new_team.get_by_test_id("admin-new-team-key").fill("returns")
        new_team.get_by_test_id("admin-new-team-name").fill("Returns desk")
        new_team.get_by_role("button", name=console_text("admin_create_team")).click()
        team = view.locator('[data-testid="admin-team"][data-key="returns"]')
        expect(team).to_contain_text("Returns desk")
        team.get_by_test_id("admin-member-to-add").select_option("kim@brightwave.example")
        team.get_by_role("button", name=console_text("admin_add_member")).click()
        expect(team.locator(".admin-member")).to_contain_text("Kim Ito")

        rule_form = view.get_by_test_id("admin-new-rule")
        rule_form.get_by_test_id("admin-rule-team").select_option("returns")
        rule_form.get_by_test_id("admin-rule-category").fill("return_request")
        rule_form.get_by_role("button", name=console_text("admin_add_rule")).click()
        expect(view.get_by_test_id("admin-rule")).to_contain_text("category = return_request")
        expect(view.get_by_test_id("admin-rule")).to_contain_text("Returns desk")

        canned = view.get_by_test_id("admin-canned-form")
        canned.get_by_test_id("admin-canned-shortcut").fill("label-sent")
        canned.get_by_test_id("admin-canned-title").fill("Return label sent")
        canned.get_by_test_id("admin-canned-team").select_option("returns")
        canned.get_by_test_id("admin-canned-body").fill(
            "{first_name}, your label for {order_id} is on its way."
        )
        canned.get_by_role("button", name=console_text("admin_canned_add")).click()
        row = view.locator('[data-testid="admin-canned"][data-shortcut="label-sent"]')
        expect(row).to_contain_text("Return label sent")
        expect(row).to_contain_text("Returns desk")

        # An unknown placeholder is refused, politely, and nothing is added.
        canned.get_by_test_id("admin-canned-shortcut").fill("coupon")
        canned.get_by_test_id("admin-canned-title").fill("Coupon")
        canned.get_by_test_id("admin-canned-body").fill("Use {coupon_code} at checkout")
        canned.get_by_role("button", name=console_text("admin_canned_add")).click()
        expect(page.get_by_test_id("console-alert")).to_contain_text(
            "{coupon_code} is not a placeholder"
        )
        expect(view.locator('[data-testid="admin-canned"][data-shortcut="coupon"]')).to_have_count(
            0
        )

        row.get_by_role("button", name=console_text("admin_edit")).click()
        canned.get_by_test_id("admin-canned-title").fill("Prepaid label sent")
        canned.get_by_role("button", name=console_text("admin_canned_save")).click()
        expect(row).to_contain_text("Prepaid label sent")
    finally:
        context.close()

    teams = Teams(admin_app.db)
    assert "kim@brightwave.example" in {t.key: t for t in teams.all()}["returns"].members
    assert teams.team_for(ChatFacts("customer_request", "return_request", None, None)) == "returns"
    reply = CannedReplies(admin_app.db).find("en", "label-sent")
    assert (reply.title, reply.team_key) == ("Prepaid label sent", "returns")
    signed_in_kim = AgentAccounts(admin_app.db).find("kim@brightwave.example")
    assert signed_in_kim is not None and signed_in_kim.name == "Kim Ito"


def test_a_plain_agent_sees_no_admin_tab_and_the_api_refuses_them(browser, admin_app):
    context, page = signed_in(browser, admin_app, SAM)
    try:
        expect(page.get_by_test_id("agent-name")).to_have_text(SAM[1])
        expect(page.get_by_role("button", name=console_text("view_customers"))).to_be_visible()
        expect(page.get_by_test_id("admin-tab")).to_have_count(0)
        expect(page.get_by_test_id("admin-view").locator(".admin-sections")).to_have_count(0)
        assert page.evaluate("document.body.dataset.agentRole") == "agent"
        refused = context.request.post("/api/admin/teams", data={"key": "sneaky", "name": "Sneaky"})
        assert refused.status == 403
        assert context.request.get("/api/admin/agents").status == 403
        assert context.request.delete(f"/api/admin/agents/{ADA[0]}").status == 403
    finally:
        context.close()
    assert "sneaky" not in {t.key for t in Teams(admin_app.db).all()}
