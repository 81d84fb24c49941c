"""A ticket opened in the widget and answered later by an agent, in a real browser:
the customer's own words are shown as words, and the agent's reply is waiting,
announced, when the customer comes back to the chat."""

import re

import pytest
import requests

from tests.conftest import AGENT_EMAIL, AGENT_PASSWORD

pytestmark = [pytest.mark.stack, pytest.mark.browser]

PHISHING = "[Reset your password](https://evil.example/reset) the box arrived crushed"


def sign_in_as_maya(page):
    page.goto("/")
    page.get_by_label("Customer", exact=True).select_option("C1001")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as Maya Thompson.").wait_for()


def test_an_agents_ticket_reply_is_waiting_and_announced_when_the_customer_returns(
    browser, stack, chat, page
):
    sign_in_as_maya(page)
    chat.open()
    page.get_by_text("Hi Maya!").wait_for()
    chat.say("I want to report a problem", until="What is it about?")
    chat.say("Damaged item", until="Which order")
    chat.say("BW-104101", until="describe the problem")
    chat.say(PHISHING, until="How urgent")
    chat.say("not urgent", until="Shall I open it?")
    # The description is quoted back as the customer wrote it, not as a live link.
    summary = page.locator(".kefu-msg.kefu-bot", has_text="Shall I open it?").last
    assert PHISHING in summary.inner_text()
    assert page.locator('.kefu-log a[href*="evil.example"]').count() == 0
    chat.say("yes", until="I've opened ticket")
    ref = re.search(r"T-\d{5}", chat.bot_texts()[-1]).group(0)
    page.close()  # the customer leaves

    agent = requests.Session()
    agent.post(
        f"{stack.config.web_url}/api/agent/login",
        json={"email": AGENT_EMAIL, "password": AGENT_PASSWORD},
        timeout=30,
    ).raise_for_status()
    answer = "A replacement is on its way; keep the crushed one for the courier."
    posted = agent.post(
        f"{stack.config.web_url}/api/tickets/{ref}/comments", json={"text": answer}, timeout=30
    )
    assert posted.json()["comments"][-1]["chat_delivery"] == "delivered"

    back = page.context.new_page()  # the same browser, later
    back.set_default_timeout(20_000)
    back.goto("/")
    back.locator(".kefu-launcher.kefu-unread").wait_for()  # something new, before opening
    back.get_by_role("button", name="Open chat").click()
    back.get_by_text("New from our support team since you were last here:").wait_for()
    reply = back.locator(".kefu-msg.kefu-agent", has_text=answer)
    reply.wait_for()
    assert f"Alex Rivera · Support team · about ticket {ref}" in reply.inner_text()
