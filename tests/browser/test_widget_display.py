"""How the widget shows a conversation, seen as a customer sees it, in a real
browser against the real assistant: suggested replies after a reload, links,
lists, the message box, message times, the typing bubble and the launcher, in
English and in Chinese."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import Chat
from tests.conftest import AGENT_EMAIL, AGENT_PASSWORD

pytestmark = [pytest.mark.stack, pytest.mark.browser]

SLOW_REPLY_SECONDS = 15  # SLOW_REPLY_MS in kefu-widget.js


def new_page(browser, stack, **options):
    """A page in a browser context of its own (a locale, a time zone), as the
    `page` fixture makes them."""
    context = browser.new_context(
        base_url=stack.config.web_url.replace("127.0.0.1", "localhost"), **options
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def reply_sets(page):
    """Each set of suggested replies in the conversation, in order: whether its
    buttons can be clicked, and whether the customer said anything after it."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.kefu-replies')).map(group => {
            const buttons = Array.from(group.querySelectorAll('button'));
            let answered = false;
            for (let row = group.closest('.kefu-msg').nextElementSibling; row; row = row.nextElementSibling)
              if (row.classList.contains('kefu-customer')) answered = true;
            return {
              titles: buttons.map(b => b.textContent),
              enabled: buttons.map(b => !b.disabled),
              answered,
            };
        })"""
    )


def reload_chat(page):
    """Reloads the page and waits for the conversation to be back from the history."""
    count = page.locator(".kefu-msg").count()
    page.reload()
    expect(page.locator(".kefu-msg")).to_have_count(count)


def assert_only_unanswered_replies_clickable(sets):
    for number, replies in enumerate(sets):
        latest = number == len(sets) - 1
        clickable = latest and not replies["answered"]
        assert replies["enabled"] == [clickable] * len(replies["titles"]), (number, sets)


# --- 1. suggested replies ------------------------------------------------------


def test_answered_suggested_replies_stay_disabled_after_a_reload(page, chat):
    page.goto("/")
    chat.open()
    returns = page.get_by_role("button", name="Returns policy")
    expect(returns).to_be_enabled()
    reload_chat(page)
    expect(returns).to_be_enabled()  # the greeting's suggestions: not answered yet

    returns.click()
    page.locator(".kefu-msg.kefu-bot", has_text="Did that answer your question?").wait_for()
    reload_chat(page)
    expect(returns).to_be_disabled()  # clicked before the reload
    expect(page.get_by_role("button", name="Yes, thanks")).to_be_enabled()
    assert_only_unanswered_replies_clickable(reply_sets(page))

    # Typing, not clicking, answers a set too.
    chat.say("do you ship to canada?", until="Canada")
    page.locator(".kefu-msg.kefu-bot", has_text="Did that answer your question?").nth(1).wait_for()
    reload_chat(page)
    thanks = page.get_by_role("button", name="Yes, thanks")
    expect(thanks).to_have_count(2)
    expect(thanks.first).to_be_disabled()
    expect(thanks.last).to_be_enabled()
    assert_only_unanswered_replies_clickable(reply_sets(page))

    thanks.last.click()
    page.locator(".kefu-msg.kefu-bot", has_text="glad that helped").wait_for()
    page.wait_for_timeout(500)
    reload_chat(page)
    sets = reply_sets(page)
    assert_only_unanswered_replies_clickable(sets)
    assert all(not any(s["enabled"]) for s in sets if "Yes, thanks" in s["titles"])


# --- 2. and 3. links and lists -------------------------------------------------


def assert_bubbles_fit(page):
    """No bubble is wider than its text area or sticks out of the conversation."""
    overflowing = page.evaluate(
        """() => {
            const log = document.querySelector('.kefu-log').getBoundingClientRect();
            return Array.from(document.querySelectorAll('.kefu-bubble'))
              .filter(b => b.scrollWidth > b.clientWidth + 1
                        || b.getBoundingClientRect().right > log.right + 0.5)
              .map(b => b.innerText.slice(0, 60));
        }"""
    )
    assert overflowing == []


def test_a_web_address_in_an_answer_shows_short_and_links_the_whole_address(page, chat):
    page.goto("/")
    chat.open().say("how long does standard shipping take?", until="Did that answer your question?")
    answer = page.locator(".kefu-msg.kefu-bot", has_text="3–5 business days").last
    link = answer.locator("a[href*='/help/shipping']")
    expect(link).to_have_count(1)
    href = link.get_attribute("href")
    assert re.fullmatch(r"https?://[^/]+/help/shipping#shipping-options", href), href
    shown = link.inner_text()
    host = href.split("/")[2]
    assert shown == f"{host}/help/shipping#shipping-options"  # no "http://"
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert "http" not in answer.locator(".kefu-bubble").inner_text()
    assert_bubbles_fit(page)


def test_a_list_in_the_middle_of_an_answer_is_a_list(page, chat):
    page.goto("/")
    chat.open().say("what can you do?", until="Here's what I can do for you")
    bubble = page.locator(".kefu-msg.kefu-bot", has_text="Here's what I can do").last.locator(
        ".kefu-bubble"
    )
    expect(bubble.locator("p").first).to_have_text("Here's what I can do for you:")
    items = bubble.locator("ul > li")
    expect(items).to_have_count(5)
    expect(items.first).to_have_text(re.compile(r"^answer questions about shipping"))
    assert "- " not in bubble.inner_text()


AGENT_TEXT = "\n".join(
    [
        "Here is what to do:",
        "1. Read [our returns page](https://brightwave.example/help/returns#return-window) first.",
        "2. Print the label: https://www.brightwave.example/returns/labels/"
        "print-this-label-for-order-BW-104101-right-away?order=BW-104101&key=0123456789abcdef.",
        "3. Or write to [our team](mailto:help@brightwave.example),"
        " or call [+1 555 0100](tel:+15550100).",
        "Not a link: [click me](javascript:alert(1)). One long word:",
        "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3,
        "- a bullet after it",
        "- and another",
        "",
        "5) starts at five",
        "6) and goes on",
    ]
)


def test_an_agents_links_and_lists_show_as_written_for_people(page, chat, stack):
    """An agent writes what the bot never does: numbered lists, Markdown links to
    web, mail and phone addresses, a long address and a long word."""
    page.goto("/")
    chat.open().say("I want to talk to a person", until="in the queue")
    session_id = page.evaluate("localStorage.getItem('kefu:session')")
    web = stack.config.web_url
    agent = requests.Session()
    agent.post(
        f"{web}/api/agent/login",
        json={"email": AGENT_EMAIL, "password": AGENT_PASSWORD},
        timeout=30,
    ).raise_for_status()
    queue = agent.get(f"{web}/api/queue", timeout=30).json()
    [handoff] = [c["id"] for c in queue if c["conversation_id"] == session_id]
    agent.post(f"{web}/api/handoffs/{handoff}/claim", timeout=30).raise_for_status()
    try:
        agent.post(
            f"{web}/api/handoffs/{handoff}/reply", json={"text": AGENT_TEXT}, timeout=30
        ).raise_for_status()
        reply = page.locator(".kefu-msg.kefu-agent", has_text="Here is what to do").last
        reply.wait_for()
        check_agent_reply(page, reply.locator(".kefu-bubble"))
        reload_chat(page)  # the same from the history
        reply = page.locator(".kefu-msg.kefu-agent", has_text="Here is what to do").last
        check_agent_reply(page, reply.locator(".kefu-bubble"))
    finally:
        agent.post(f"{web}/api/handoffs/{handoff}/hand-back", timeout=30)


def check_agent_reply(page, bubble):
    expect(bubble.locator(":scope > p").first).to_have_text("Here is what to do:")
    numbered = bubble.locator("ol")
    expect(numbered).to_have_count(2)
    expect(numbered.first.locator(":scope > li")).to_have_count(3)
    assert numbered.first.get_attribute("start") is None
    assert numbered.nth(1).get_attribute("start") == "5"
    expect(numbered.nth(1).locator(":scope > li")).to_have_text(["starts at five", "and goes on"])
    expect(bubble.locator("ul > li")).to_have_text(["a bullet after it", "and another"])

    links = bubble.locator("a")
    expect(links).to_have_text(
        [
            "our returns page",
            "brightwave.example/returns/…/print-this-label-for-or…",
            "our team",
            "+1 555 0100",
        ]
    )
    hrefs = [links.nth(i).get_attribute("href") for i in range(4)]
    assert hrefs == [
        "https://brightwave.example/help/returns#return-window",
        "https://www.brightwave.example/returns/labels/"
        "print-this-label-for-order-BW-104101-right-away?order=BW-104101&key=0123456789abcdef",
        "mailto:help@brightwave.example",
        "tel:+15550100",
    ]
    for i in range(4):
        assert links.nth(i).get_attribute("target") == "_blank"
        assert links.nth(i).get_attribute("rel") == "noopener noreferrer"
    # The sentence's full stop after the address stays text, as does a link to a script.
    assert "right-away?order=BW-104101&key=0123456789abcdef." not in bubble.inner_text()
    assert "[click me](javascript:alert(1))" in bubble.inner_text()
    assert page.locator(".kefu-log a[href^='javascript']").count() == 0
    assert_bubbles_fit(page)


def test_a_long_word_from_the_customer_stays_inside_the_bubble(page, chat):
    page.goto("/")
    chat.open().say("https://example.com/" + "x" * 180)
    assert_bubbles_fit(page)


# --- 4. the message box --------------------------------------------------------


def test_the_message_box_grows_with_the_text_and_enter_sends(page, chat):
    page.goto("/")
    chat.open()
    box = page.get_by_label("Your message")
    assert box.evaluate("b => b.tagName") == "TEXTAREA"
    assert float(box.evaluate("b => getComputedStyle(b).fontSize")[:-2]) >= 16
    one_line = box.bounding_box()["height"]

    box.press_sequentially("first line")
    box.press("Shift+Enter")
    box.press_sequentially("second line")
    assert box.input_value() == "first line\nsecond line"  # a new line, nothing sent
    assert chat.customer_texts() == []
    two_lines = box.bounding_box()["height"]
    assert two_lines > one_line

    for n in range(3, 11):
        box.press("Shift+Enter")
        box.press_sequentially(f"line {n}")
    tallest = box.bounding_box()["height"]
    assert tallest > two_lines
    assert tallest <= 6 * 22 + 20  # a few lines at most; the rest scrolls
    assert box.evaluate("b => b.scrollHeight > b.clientHeight")
    assert box.evaluate("b => getComputedStyle(b).overflowY") == "auto"

    box.press("Enter")
    expect(page.locator(".kefu-msg.kefu-customer .kefu-bubble")).to_have_count(1)
    assert chat.customer_texts()[0].splitlines()[:2] == ["first line", "second line"]
    assert box.input_value() == ""
    assert box.bounding_box()["height"] == one_line


# --- 5. message times ------------------------------------------------------------


def shown_times(page):
    return [
        t.replace("\u202f", " ").replace("\xa0", " ")
        for t in page.locator(".kefu-msg .kefu-time").all_inner_texts()
    ]


def history(page):
    session_id, secret = page.evaluate(
        "[localStorage.getItem('kefu:session'), localStorage.getItem('kefu:session-secret')]"
    )
    response = page.request.get(
        f"/api/widget/history/{session_id}", headers={"X-Kefu-Session-Secret": secret}
    )
    assert response.ok, response.text()
    return response.json()["messages"]


def english_time(moment: datetime) -> str:
    return moment.strftime("%I:%M %p")  # en-US: "02:05 PM"


def chinese_time(moment: datetime) -> str:
    return moment.strftime("%H:%M")  # zh-CN: "14:05"


@pytest.mark.parametrize(
    "url, locale, zone, style",
    [
        ("/", "en-US", "America/Los_Angeles", english_time),
        ("/?lang=zh", "zh-CN", "Asia/Shanghai", chinese_time),
    ],
)
def test_every_message_shows_its_time_live_and_after_a_reload(
    browser, stack, url, locale, zone, style
):
    page = new_page(browser, stack, locale=locale, timezone_id=zone)
    tz = ZoneInfo(zone)
    started = datetime.now(tz)
    page.goto(url)
    page.locator(".kefu-launcher").click()
    chat = Chat(page)
    page.locator(".kefu-msg.kefu-bot").first.wait_for()
    box = page.locator("#kefu-input")
    box.fill("how long does standard shipping take?" if locale == "en-US" else "运费多少？")
    box.press("Enter")
    page.locator(".kefu-msg.kefu-bot").nth(1).wait_for()
    page.wait_for_timeout(1000)
    ended = datetime.now(tz)
    # Live: when each message was sent or came in.
    possible = {
        style(started + timedelta(minutes=m)) for m in range((ended - started).seconds // 60 + 2)
    }
    times = shown_times(page)
    assert len(times) == page.locator(".kefu-msg").count() and times
    assert set(times) <= possible, (times, possible)

    reload_chat(page)
    expected = [
        style(datetime.fromtimestamp(m["timestamp"], tz))
        for m in history(page)
        if m["sender"] != "system"
    ]
    assert shown_times(page) == expected
    assert chat.customer_texts()  # the customer's message has its time too
    stamp = page.locator(".kefu-msg.kefu-customer time").first
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", stamp.get_attribute("datetime"))
    page.context.close()


# --- 6. the typing bubble --------------------------------------------------------


class HeldReplies:
    """The bot's replies on their way to the widget (socket.io frames from Rasa),
    held back while `holding`, to see what the widget shows in the meantime."""

    def __init__(self, page) -> None:
        self.holding = False
        self.held: list = []
        page.route_web_socket(re.compile(r".*/socket\.io/.*"), self._route)

    def _route(self, socket) -> None:
        server = socket.connect_to_server()
        server.on_message(lambda message: self._from_server(socket, message))

    def _from_server(self, socket, message) -> None:
        if self.holding and isinstance(message, str) and message.startswith('42["bot_uttered"'):
            self.held.append((socket, message))
        else:
            socket.send(message)

    def release(self) -> None:
        self.holding = False
        for socket, message in self.held:
            socket.send(message)
        self.held.clear()


def wait_until_held(page, replies, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not replies.held:
        assert time.monotonic() < deadline, "the bot did not answer"
        page.wait_for_timeout(100)


@pytest.mark.parametrize(
    "url, question, label",
    [
        ("/", "do you ship to canada?", "The assistant is typing"),
        ("/?lang=zh", "你们有哪些付款方式？", "客服助手正在输入"),
    ],
)
def test_a_typing_bubble_shows_until_the_reply_arrives(page, url, question, label):
    replies = HeldReplies(page)
    page.goto(url)
    page.locator(".kefu-launcher").click()
    page.locator(".kefu-msg.kefu-bot").first.wait_for()
    page.wait_for_timeout(500)
    before = page.locator(".kefu-msg.kefu-bot").count()

    replies.holding = True
    box = page.locator("#kefu-input")
    box.fill(question)
    box.press("Enter")
    typing = page.get_by_role("status", name=label)
    expect(typing).to_be_visible()
    # A bot bubble with three moving dots, last in the conversation.
    assert typing.evaluate("t => t.parentElement.classList.contains('kefu-log')")
    assert typing.evaluate("t => t === t.parentElement.lastElementChild")
    dots = typing.locator(".kefu-dot")
    expect(dots).to_have_count(3)
    assert dots.first.evaluate("d => getComputedStyle(d).animationName") == "kefu-blink"
    assert typing.locator(".kefu-typing-bubble").evaluate(
        "b => getComputedStyle(b).backgroundColor"
    ) == page.locator(".kefu-msg.kefu-bot .kefu-bubble").first.evaluate(
        "b => getComputedStyle(b).backgroundColor"
    )
    assert page.get_by_text(re.compile(r"typing…|正在输入…")).count() == 0
    wait_until_held(page, replies)
    page.wait_for_timeout(300)
    expect(typing).to_be_visible()  # still answering

    replies.release()
    page.locator(".kefu-msg.kefu-bot").nth(before).wait_for()
    expect(page.locator(".kefu-typing")).to_have_count(0)


def test_the_typing_bubble_goes_after_a_while_without_a_reply(page):
    replies = HeldReplies(page)
    page.goto("/")
    Chat(page).open()
    page.wait_for_timeout(500)
    replies.holding = True
    box = page.get_by_label("Your message")
    box.fill("do you ship to canada?")
    box.press("Enter")
    typing = page.get_by_role("status", name="The assistant is typing")
    expect(typing).to_be_visible()
    expect(typing).to_have_count(0, timeout=(SLOW_REPLY_SECONDS + 5) * 1000)
    expect(page.get_by_text("this is taking longer than usual")).to_be_visible()
    replies.release()
    page.locator(".kefu-msg.kefu-bot", has_text="Canada").wait_for()


# --- 7. the launcher -------------------------------------------------------------


@pytest.mark.parametrize(
    "url, open_label, close_label",
    [("/", "Open chat", "Close chat"), ("/?lang=zh", "打开聊天", "关闭聊天")],
)
def test_the_launcher_shows_a_cross_while_the_chat_is_open(page, url, open_label, close_label):
    page.goto(url)
    launcher = page.locator(".kefu-launcher")
    expect(launcher).to_have_attribute("aria-label", open_label)
    expect(launcher).to_have_attribute("aria-expanded", "false")
    expect(launcher.locator(".kefu-icon-chat")).to_be_visible()
    expect(launcher.locator(".kefu-icon-close")).to_be_hidden()

    launcher.click()
    expect(launcher).to_have_attribute("aria-label", close_label)
    expect(launcher).to_have_attribute("aria-expanded", "true")
    expect(launcher.locator(".kefu-icon-close")).to_be_visible()
    expect(launcher.locator(".kefu-icon-chat")).to_be_hidden()
    expect(page.locator(".kefu-panel")).to_be_visible()

    launcher.click()  # the cross closes it
    expect(page.locator(".kefu-panel")).to_be_hidden()
    expect(launcher).to_have_attribute("aria-label", open_label)
    expect(launcher.locator(".kefu-icon-chat")).to_be_visible()


# --- the same in Chinese -----------------------------------------------------------


def test_a_chinese_answer_has_its_list_short_link_and_input_method_enter(page):
    page.goto("/?lang=zh")
    page.get_by_role("button", name="打开聊天").click()
    page.locator(".kefu-msg.kefu-bot").first.wait_for()
    box = page.get_by_label("输入消息")
    bots = page.locator(".kefu-msg.kefu-bot")

    before = bots.count()
    box.fill("你能做什么？")
    box.press("Enter")
    page.locator(".kefu-msg.kefu-bot", has_text="我可以帮您").wait_for()
    bubble = page.locator(".kefu-msg.kefu-bot", has_text="我可以帮您").last.locator(".kefu-bubble")
    expect(bubble.locator("p").first).to_have_text("我可以帮您：")
    expect(bubble.locator("ul > li")).to_have_count(5)

    page.wait_for_timeout(500)
    before = bots.count()
    box.fill("运费多少？")
    box.press("Enter")
    bots.nth(before).wait_for()
    link = page.locator(".kefu-msg.kefu-bot a[href*='/zh/help/']").last
    link.wait_for()
    href = link.get_attribute("href")
    # The address without "http://"; the section too when it is short enough.
    host = href.split("/")[2]
    assert re.fullmatch(
        re.escape(host) + r"/zh/help/shipping(#shipping-options)?", link.inner_text()
    )
    assert_bubbles_fit(page)

    # Enter that picks a word in an input method is not a send.
    customers = page.locator(".kefu-msg.kefu-customer").count()
    box.fill("你好")
    box.dispatch_event("keydown", {"key": "Enter", "isComposing": True, "keyCode": 229})
    page.wait_for_timeout(300)
    assert page.locator(".kefu-msg.kefu-customer").count() == customers
    assert box.input_value() == "你好"
