"""The demo shop in Chinese, in a real browser against the real assistant: the
page's language switch reloads it as a Chinese page, the widget follows the page
(its own texts in Chinese), and the page's language reaches the bot once, with the
opening greeting, which the bot then answers in Chinese."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.stack, pytest.mark.browser]

HAN = re.compile(r"[\u4e00-\u9fff]")


# A socket.io event frame: "42", the acknowledgement id the widget asks for (it
# keeps each message until the server acknowledges it), then the JSON array.
_EVENT_FRAME = re.compile(r"^42\d*(\[.*)$", re.S)


def _utterances(frames):
    """The widget's user_uttered events among the socket.io frames it sent."""
    found = []
    for frame in frames:
        event = _EVENT_FRAME.match(frame) if isinstance(frame, str) else None
        if event and event.group(1).startswith('["user_uttered"'):
            found.append(json.loads(event.group(1))[1])
    return found


def test_the_shop_in_chinese_has_a_chinese_widget_and_a_chinese_greeting(page):
    sent = []
    page.on("websocket", lambda socket: socket.on("framesent", lambda frame: sent.append(frame)))
    page.goto("/")
    page.get_by_role("link", name="中文").click()
    expect(page).to_have_url(re.compile(r"/\?lang=zh$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh")

    page.get_by_role("button", name="打开聊天").click()
    expect(page.locator("#kefu-title")).to_have_text("Brightwave 智能客服")
    box = page.get_by_label("输入消息")
    expect(box).to_have_attribute("placeholder", "请输入您的问题…")
    expect(page.locator(".kefu-send")).to_have_text("发送")
    expect(page.get_by_role("button", name="关闭聊天").first).to_be_visible()
    greeting = page.locator(".kefu-msg.kefu-bot .kefu-bubble").first
    greeting.wait_for()
    assert HAN.search(greeting.inner_text()), greeting.inner_text()

    answers = page.locator(".kefu-msg.kefu-bot .kefu-bubble")
    before = answers.count()
    box.fill("你们有哪些付款方式？")
    box.press("Enter")
    answers.nth(before).wait_for()
    assert HAN.search(answers.nth(before).inner_text())
    utterances = _utterances(sent)
    assert utterances[0]["message"] == "/greet"
    assert utterances[0]["metadata"]["lang"] == "zh"
    # Only the greeting says the page's language: the customer's words decide after it.
    assert [u["message"] for u in utterances[1:]] == ["你们有哪些付款方式？"]
    assert all("lang" not in u["metadata"] for u in utterances[1:])


def test_switching_the_shop_back_to_english_turns_the_widget_english(page):
    page.goto("/?lang=zh")
    page.get_by_role("button", name="打开聊天").wait_for()
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Open chat").click()
    expect(page.get_by_label("Your message")).to_have_attribute("placeholder", "Type your message…")
    expect(page.locator(".kefu-send")).to_have_text("Send")
