"""The whole handoff loop in two pages at once against the real servers: a customer
on the demo shop page and an agent in the console."""

import pytest

from tests.conftest import AGENT_EMAIL, AGENT_NAME, AGENT_PASSWORD

pytestmark = [pytest.mark.stack, pytest.mark.browser]


@pytest.fixture
def console(browser, stack):
    """The agent, signed in to the console in a browser context of their own."""
    context = browser.new_context(base_url=stack.config.web_url)
    page = context.new_page()
    page.set_default_timeout(20_000)
    dialogs = []
    # The closing actions ask "are you sure?"; the agent is.
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/console")
    page.locator("#email").fill(AGENT_EMAIL)
    page.locator("#password").fill(AGENT_PASSWORD)
    page.locator("button[type=submit]").click()
    page.get_by_text(AGENT_NAME).first.wait_for()
    page.dialogs = dialogs
    yield page
    context.close()
    assert errors == [], errors  # the console's scripts ran without an error


def sign_in_as_maya(page):
    page.goto("/")
    page.get_by_label("Customer", exact=True).select_option("C1001")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as Maya Thompson.").wait_for()


def ask_for_a_person(page, chat, first_message):
    chat.open()
    chat.say(first_message)
    chat.say("I want to talk to a person", until="in the queue")


def open_chat_in_console(console, page, customer_text):
    """Opens the customer's chat (the widget's session) from the console's queue."""
    session_id = page.evaluate("localStorage.getItem('kefu:session')")
    queue = console.request.get("/api/queue").json()
    [handoff_id] = [c["id"] for c in queue if c["conversation_id"] == session_id]
    item = console.locator(f'[data-testid="queue-item"][data-handoff-id="{handoff_id}"]')
    item.click()
    console.locator('[data-testid="transcript"]', has_text=customer_text).wait_for()
    return item


def agent_reply(console, text):
    console.locator('[data-testid="reply-input"]').fill(text)
    console.locator('[data-testid="reply-send"]').click()


def test_a_customer_is_taken_over_by_an_agent_and_handed_back_to_the_bot(page, chat, console):
    sign_in_as_maya(page)
    ask_for_a_person(page, chat, "my smart speakers order BW-104119 is late")

    open_chat_in_console(console, page, "my smart speakers order BW-104119 is late")
    assert "Maya Thompson" in console.locator('[data-testid="summary"]').inner_text()
    record = console.locator('[data-testid="customer-record"]').inner_text()
    assert "maya.thompson@example.com" in record and "BW-104119" in record and "T-00001" in record
    assert "request_human" in console.locator('[data-testid="transcript"]').inner_text()

    console.locator('[data-testid="claim"]').click()
    page.get_by_text(f"{AGENT_NAME} from our support team has joined the chat.").wait_for()
    agent_reply(console, "Hi Maya, I'm checking with UPS now.")
    reply = page.locator(".kefu-msg.kefu-agent", has_text="checking with UPS")
    reply.wait_for()
    assert f"{AGENT_NAME} · Support team" in reply.inner_text()  # a person, by name
    assert page.locator(".kefu-msg.kefu-bot", has_text="checking with UPS").count() == 0

    box = page.get_by_label("Your message")
    box.fill("Thank you, it was due yesterday")
    box.press("Enter")
    console.locator(
        '[data-testid="message"][data-kind="customer"]', has_text="it was due yesterday"
    ).wait_for()
    page.wait_for_timeout(1500)
    assert "it was due yesterday" not in " ".join(chat.bot_texts())  # the bot kept quiet
    assert not page.get_by_text("taking longer than usual").is_visible()

    console.locator('[data-testid="hand-back"]').click()
    page.get_by_text("handed you back").wait_for()
    chat.say("how long do I have to return something?", until="Did that answer your question?")
    assert "30 days" in " ".join(chat.bot_texts())


def test_an_agent_resolves_the_chat_and_the_customer_rates_it(page, chat, console):
    sign_in_as_maya(page)
    ask_for_a_person(page, chat, "I was charged twice for my TV")
    open_chat_in_console(console, page, "I was charged twice for my TV")
    console.locator('[data-testid="claim"]').click()
    agent_reply(console, "I've refunded the second charge.")
    page.locator(".kefu-msg.kefu-agent", has_text="refunded the second charge").wait_for()

    console.locator('[data-testid="resolve"]').click()
    page.get_by_text("how would you rate this conversation").wait_for()
    page.get_by_role("button", name="5 ★★★★★").click()
    chat.say("Quick and friendly", until="Thank you for your feedback!")

    record_ratings = console.request.get("/api/customers/C1001").json()["ratings"]
    assert record_ratings[0]["rating"] == 5 and record_ratings[0]["with_agent"]


def test_markup_a_customer_types_is_shown_to_the_agent_as_text(page, chat, console):
    page.goto("/")
    chat.open()
    chat.say("I want to talk to a person", until="in the queue")
    box = page.get_by_label("Your message")
    box.fill("<img src=x onerror=alert(1)>")
    box.press("Enter")
    open_chat_in_console(console, page, "I want to talk to a person")
    shown = console.locator(
        '[data-testid="message"][data-kind="customer"]', has_text="<img src=x onerror=alert(1)>"
    )
    shown.wait_for()
    assert console.locator('[data-testid="transcript"] img').count() == 0
    console.wait_for_timeout(500)
    assert console.dialogs == [] and page.dialogs == []


def test_the_agent_sees_when_the_customer_closes_the_chat_window(page, chat, console):
    page.goto("/")
    chat.open()
    chat.say("I want to talk to a person", until="in the queue")
    open_chat_in_console(console, page, "I want to talk to a person")
    assert page.locator(".kefu-typing").is_hidden()
    page.close()  # the customer leaves the site
    console.locator('[data-testid="message"]', has_text="closed the chat window").wait_for()
