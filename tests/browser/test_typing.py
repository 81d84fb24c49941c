"""Typing indicators both ways, with the real servers: a customer in the widget on
the demo shop page and an agent in the console (as tests/browser/test_handoff.py).
The agent sees the customer typing under the chat and on its queue row until the
message arrives, or a few seconds after they stop; the customer sees "Alex Rivera
is typing…" over the typing bubble until the agent's reply arrives. The texts are
the reply catalogue's."""

import pytest
from playwright.sync_api import expect

from helpdesk.config import PROJECT_ROOT
from helpdesk.replies import load_reply_catalogue
from tests.browser.test_handoff import console, open_chat_in_console  # noqa: F401 (a fixture)
from tests.conftest import AGENT_NAME

pytestmark = [pytest.mark.stack, pytest.mark.browser]

CATALOGUE = load_reply_catalogue(PROJECT_ROOT / "knowledge_base")


def text(key: str, **values) -> str:
    return CATALOGUE.text(key, "en", **values)


def test_each_side_sees_the_other_typing(page, chat, console):  # noqa: F811
    page.goto("/")
    chat.open()
    chat.say("I want to talk to a person", until="in the queue")
    row = open_chat_in_console(console, page, "I want to talk to a person")
    console.get_by_test_id("claim").click()
    page.get_by_text(f"{AGENT_NAME} from our support team has joined the chat.").wait_for()

    # The customer types: the agent sees it, then the message itself.
    box = page.get_by_label("Your message")
    box.press_sequentially("Is my order", delay=40)
    customer_typing = console.get_by_test_id("customer-typing")
    anonymous = text("console.anonymous_visitor")
    expect(customer_typing).to_have_text(text("console.customer_typing", customer=anonymous))
    expect(row).to_have_attribute("data-customer-typing", text("console.queue_typing"))
    box.press_sequentially(" on its way?", delay=40)
    box.press("Enter")
    console.locator('[data-testid="message"][data-kind="customer"]', has_text="on its way?").wait_for()
    expect(customer_typing).to_be_hidden()

    # The agent types: the customer sees who, over the typing bubble.
    reply = console.get_by_test_id("reply-input")
    reply.press_sequentially("Let me check", delay=40)
    agent_typing = page.get_by_test_id("agent-typing")
    expect(agent_typing).to_contain_text(text("widget.agent_typing", agent=AGENT_NAME))
    expect(agent_typing.locator(".kefu-typing-bubble")).to_be_visible()
    reply.press("Enter")
    page.locator(".kefu-msg.kefu-agent", has_text="Let me check").wait_for()
    expect(agent_typing).to_be_hidden()

    # A customer who stops typing without sending stops showing as typing.
    box.press_sequentially("Actually", delay=40)
    expect(customer_typing).to_be_visible()
    expect(customer_typing).to_be_hidden(timeout=10_000)
