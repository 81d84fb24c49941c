"""The whole handoff loop in Chinese, in two pages at once against the real servers:
a customer on the demo shop page in Chinese (/?lang=zh) and an agent in the console.
The customer chats in Chinese, asks for a person, the agent sees the chat marked as
Chinese, claims it, replies and resolves it, and the customer reads every notice of
the desk and the rating survey in Chinese. Support is open around the clock on the
test stack (tests/conftest.py, ops/always_open.py), so the chat reaches the queue.

The Chinese texts asserted on come from the reply catalogue
(knowledge_base/zh/replies/*.yml), so rewording a reply does not break the test
while a reply falling back to English does."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from helpdesk.config import PROJECT_ROOT
from helpdesk.replies import load_reply_catalogue
from tests.browser.test_handoff import agent_reply, console, open_chat_in_console  # noqa: F401
from tests.conftest import AGENT_NAME

pytestmark = [pytest.mark.stack, pytest.mark.browser]

HAN = re.compile(r"[\u4e00-\u9fff]")
CATALOGUE = load_reply_catalogue(PROJECT_ROOT / "knowledge_base")


def zh(key: str, **values) -> str:
    return CATALOGUE.text(key, "zh", **values)


def customer_sends(page, text: str) -> None:
    box = page.get_by_label(zh("widget.message_label"))
    box.fill(text)
    box.press("Enter")


def bot_says(page, text: str):
    """Waits for the bot's message containing `text` in the widget; its locator."""
    message = page.locator(".kefu-msg.kefu-bot", has_text=text).last
    message.wait_for()
    return message


def test_a_chinese_customer_is_handed_to_an_agent_who_replies_and_the_customer_rates_in_chinese(
    page,
    console,  # noqa: F811 (the signed-in console of test_handoff)
):
    page.goto("/?lang=zh")
    page.get_by_role("button", name=zh("widget.open_chat")).click()
    greeting = page.locator(".kefu-msg.kefu-bot .kefu-bubble").first
    greeting.wait_for()
    assert HAN.search(greeting.inner_text()), greeting.inner_text()

    # A question answered in Chinese, from the Chinese help centre.
    question = "退货期限多久？"
    customer_sends(page, question)
    bot_says(page, zh("faq.did_that_answer"))
    answer = page.locator(".kefu-msg.kefu-bot", has_text="30 天").last
    expect(answer).to_be_visible()
    assert HAN.search(answer.inner_text())

    # Asking for a person: queued, told so in Chinese.
    customer_sends(page, "转人工客服")
    queued = bot_says(page, zh("handoff.opening_customer_request"))
    # What the queued notice says after the opening and the place in the queue.
    expect(queued).to_contain_text(CATALOGUE.reply("handoff.queued", "zh").text.rsplit("}", 1)[-1])

    # The agent sees the chat marked as Chinese, in the queue and in the open chat.
    item = open_chat_in_console(console, page, question)
    # The console speaks English; its badge names the chat's language.
    chinese = CATALOGUE.text("console.chat_language_zh", "en")
    expect(item.get_by_test_id("chat-language")).to_have_text(chinese)
    expect(console.locator(".conv-header").get_by_test_id("chat-language")).to_have_text(chinese)
    expect(console.get_by_test_id("transcript")).to_contain_text("转人工客服")

    # The agent claims it: the customer is told in Chinese a person has joined.
    console.get_by_test_id("claim").click()
    page.get_by_text(zh("notices.agent_joined", agent=AGENT_NAME)).wait_for()
    expect(page.get_by_text(zh("widget.chatting_with", agent=AGENT_NAME))).to_be_visible()

    agent_reply(console, "您好，我是 Alex，您的退货我来帮您处理。")
    reply = page.locator(".kefu-msg.kefu-agent", has_text="您的退货我来帮您处理")
    reply.wait_for()
    assert zh("widget.agent_author", agent=AGENT_NAME) in reply.inner_text()  # a person, by name
    assert page.locator(".kefu-msg.kefu-bot", has_text="您的退货我来帮您处理").count() == 0

    # The customer answers the agent; the bot keeps quiet.
    bot_messages = page.locator(".kefu-msg.kefu-bot").count()
    customer_sends(page, "谢谢，我想退一台咖啡机")
    console.locator(
        '[data-testid="message"][data-kind="customer"]', has_text="我想退一台咖啡机"
    ).wait_for()
    page.wait_for_timeout(1500)
    assert page.locator(".kefu-msg.kefu-bot").count() == bot_messages

    # The agent resolves the chat: the customer is told so, and asked to rate, in Chinese.
    console.get_by_test_id("resolve").click()
    page.get_by_text(zh("notices.resolved", agent=AGENT_NAME)).wait_for()
    bot_says(page, zh("feedback.ask_rating"))
    page.get_by_role("button", name=zh("buttons.rating", number=5, stars="★★★★★")).click()
    bot_says(page, zh("feedback.ask_comment"))
    customer_sends(page, "服务很周到")
    bot_says(page, zh("feedback.thanks"))

    widget_text = " ".join(page.locator(".kefu-msg").all_inner_texts())
    for english in (
        "Did that answer your question?",
        "in the queue",
        "has joined the chat",
        "how would you rate",
        "Thank you for your feedback",
    ):
        assert english not in widget_text
