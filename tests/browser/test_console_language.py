"""The agent console in the agent's language: the switch in the header turns every
text of the console into Chinese (or back) and is remembered in this browser, and
each chat shows the customer's language when the agents' API gives it. Against the
web app alone, as tests/browser/test_console.py."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from helpdesk.config import PROJECT_ROOT
from helpdesk.replies import load_reply_catalogue
from tests.browser import test_console as base
from tests.browser.test_console import EMAIL, PASSWORD, open_chat, queue_item

pytestmark = pytest.mark.browser

# The web app with its three waiting chats, and the signed-in console page, as the
# console's other tests have them.
console_app = base.console_app
context = base.context
page = base.page
console = base.console


def test_the_switch_turns_the_console_into_chinese_and_is_remembered(console, console_app):
    expect(console.get_by_role("button", name="Sign out")).to_be_visible()
    console.get_by_role("button", name="中文").click()

    expect(console.get_by_role("button", name="退出登录")).to_be_visible()
    expect(console.locator("html")).to_have_attribute("lang", "zh")
    # the tab title starts with the waiting count, "(2) ", when chats are waiting
    expect(console).to_have_title(re.compile(r"^(\(\d+\) )?客服工作台 · Brightwave"))
    expect(console.locator("#queue-title")).to_have_text("会话")
    expect(console.get_by_role("button", name="工单")).to_be_visible()
    expect(console.locator(".console-header")).to_contain_text("当前登录：")
    expect(console.get_by_test_id("agent-name")).to_have_text("Ana Lima")
    expect(queue_item(console, console_app.maya)).to_contain_text("等待中")
    expect(queue_item(console, console_app.visitor)).to_contain_text("匿名访客")
    expect(console.locator(".live-status")).to_have_text("实时")

    open_chat(console, console_app.maya)
    expect(console.get_by_test_id("claim")).to_have_text("接待")
    expect(console.get_by_test_id("reason")).to_contain_text("智能助手转人工的原因")
    record = console.get_by_test_id("customer-record")
    expect(record).to_contain_text("已验证：已在网站登录")
    expect(record).to_contain_text("累计消费")
    # What the customer wrote is shown as it was written, in any language.
    expect(console.get_by_test_id("transcript")).to_contain_text("<img src=x onerror=alert(1)>")

    console.reload()  # remembered in this browser
    expect(console.get_by_role("button", name="退出登录")).to_be_visible()
    expect(console.get_by_test_id("summary")).to_be_visible()  # the same chat stays open
    console.get_by_role("button", name="English").click()
    expect(console.get_by_role("button", name="Sign out")).to_be_visible()
    expect(console.get_by_test_id("claim")).to_have_text("Claim")
    expect(console.locator("html")).to_have_attribute("lang", "en")


def test_the_ticket_and_customer_views_speak_the_agents_language(console):
    console.get_by_role("button", name="中文").click()
    console.get_by_role("button", name="工单").click()
    # The list starts on the tickets still to work on ("open or pending"), in Chinese.
    still_open = load_reply_catalogue(PROJECT_ROOT / "knowledge_base").text(
        "console.status_open_pending", "zh"
    )
    expect(console.locator("#ticket-status option:checked")).to_have_text(still_open)
    console.get_by_role("button", name="客户", exact=True).click()
    expect(console.get_by_label("按姓名、邮箱或编号搜索")).to_be_visible()
    console.fill("#customer-query", "C1001")
    console.press("#customer-query", "Enter")
    console.locator("#customer-list button", has_text="C1001").click()
    profile = console.get_by_test_id("customer-profile")
    expect(profile).to_contain_text("客户编号")
    expect(profile).to_contain_text("年")  # dates as Chinese readers write them
    expect(profile).to_contain_text("以往工单")


def test_each_chat_shows_the_customers_language_when_the_api_gives_it(context, page, console_app):
    # The claimed chat's language is not known (an API without the field).
    languages = {console_app.maya: "zh", console_app.visitor: "en", console_app.claimed: None}

    def with_languages(route):
        response = route.fetch()
        data = response.json()
        for item in data if isinstance(data, list) else [data["handoff"]]:
            if item["id"] in languages:
                item["language"] = languages[item["id"]]
                if item["language"] is None:
                    del item["language"]
        route.fulfill(response=response, json=data)

    page.route(re.compile(r".*/api/(queue|handoffs/\d+)$"), with_languages)
    assert context.request.post("/api/agent/login", data={"email": EMAIL, "password": PASSWORD}).ok
    page.goto("/console")

    maya = queue_item(page, console_app.maya).get_by_test_id("chat-language")
    expect(maya).to_have_text("中文")
    expect(maya).to_have_attribute("title", "The customer's language")
    expect(queue_item(page, console_app.visitor).get_by_test_id("chat-language")).to_have_text("EN")
    expect(queue_item(page, console_app.claimed).get_by_test_id("chat-language")).to_have_count(0)
    open_chat(page, console_app.maya)
    expect(page.locator(".conv-header").get_by_test_id("chat-language")).to_have_text("中文")


def test_the_sign_in_page_has_the_switch_too(page):
    page.goto("/console/login")
    page.get_by_role("button", name="中文").click()
    expect(page.locator("h1")).to_have_text("登录")
    expect(page.get_by_label("邮箱")).to_be_visible()
    page.click("button[type=submit]")
    expect(page.get_by_test_id("login-error")).to_have_text("请输入邮箱和密码。")
