"""The demo shop page and its chat widget in a real browser, against the real
assistant: answers, signed-in look-ups, history across reloads, escaping."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def test_an_anonymous_visitor_asks_a_question_and_gets_the_answer(page, chat):
    page.goto("/")
    chat.open().say("how long does standard shipping take?", until="Did that answer your question?")
    answer = "\n".join(chat.bot_texts())
    assert "3–5 business days" in answer
    assert (
        page.get_by_role("link", name="/help/shipping#shipping-options", exact=False).count() >= 1
    )


def test_a_signed_in_demo_customer_sees_status_and_tracking(page, chat):
    page.goto("/")
    page.get_by_label("Customer", exact=True).select_option("C1001")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as Maya Thompson.").wait_for()
    chat.open()
    page.get_by_text("Hi Maya!").wait_for()
    chat.say("where is my order?", until="BW-104101")
    answer = "\n".join(chat.bot_texts())
    assert "BW-104119" in answer and "on its way" in answer
    assert "1ZJF2WYLMX8MY3ZK4K" in answer


def test_a_page_reload_keeps_the_conversation(page, chat):
    page.goto("/")
    chat.open().say("do you ship to canada?", until="Did that answer your question?")
    before = chat.bot_texts()
    page.reload()
    page.locator(".kefu-close").wait_for()  # the widget stays open
    page.get_by_text("do you ship to canada?").wait_for()
    assert chat.bot_texts() == before
    assert chat.customer_texts() == ["do you ship to canada?"]


def test_html_from_the_customer_shows_as_text(page, chat):
    page.goto("/")
    chat.open()
    nasty = "<img src=x onerror=alert(1)> <b>bold?</b> <script>alert(2)</script>"
    chat.say(nasty)
    assert chat.customer_texts()[-1] == nasty
    assert page.locator(".kefu-log img, .kefu-log script, .kefu-log b").count() == 0
    assert page.dialogs == []


def test_quick_replies_and_the_keyboard_alone_work(page, chat):
    page.goto("/")
    page.keyboard.press("Tab")  # nothing but the keyboard from here on
    page.get_by_role("button", name="Open chat").focus()
    page.keyboard.press("Enter")
    page.locator(".kefu-msg.kefu-bot").first.wait_for()
    page.get_by_role("button", name="Returns policy").click()
    page.get_by_text("30 days of delivery", exact=False).wait_for()
    assert chat.customer_texts()[-1] == "Returns policy"
    page.keyboard.press("Escape")
    assert page.get_by_role("button", name="Open chat").is_visible()


def test_the_widget_fits_a_phone_screen(browser, stack):
    context = browser.new_context(
        viewport={"width": 375, "height": 667},
        base_url=stack.config.web_url.replace("127.0.0.1", "localhost"),
    )
    page = context.new_page()
    page.goto("/")
    page.get_by_role("button", name="Open chat").click()
    box = page.locator(".kefu-panel").bounding_box()
    assert box["width"] == 375 and box["height"] == 667
    context.close()


def test_a_dropped_connection_is_shown_and_the_chat_reconnects(page, chat, network):
    page.goto("/")
    chat.open()
    network.drop()
    page.get_by_text("Connection lost. Reconnecting…").wait_for()
    assert page.get_by_label("Your message").is_disabled()
    network.restore()
    page.get_by_text("Connection lost. Reconnecting…").wait_for(state="hidden", timeout=30_000)
    chat.say("do you ship to canada?", until="Did that answer your question?")
    assert "Canada" in "\n".join(chat.bot_texts())


def test_messages_wait_for_the_renderer_and_show_as_plain_text_without_it(
    page, chat, script_errors
):
    """The widget loads its Markdown renderer (kefu-markdown.js) beside socket.io:
    no message shows before it is there, and if it cannot load at all the chat
    still works and every message is plain text."""
    page.goto("/")
    chat.open().say("how long does standard shipping take?", until="Did that answer your question?")
    held = []
    page.route("**/static/widget/kefu-markdown.js", lambda route: held.append(route))
    page.reload()
    page.locator(".kefu-close").wait_for()
    page.wait_for_timeout(1500)
    assert len(held) == 1
    assert page.locator(".kefu-msg").count() == 0  # nothing shown before the renderer
    held[0].continue_()
    answer = page.locator(".kefu-msg.kefu-bot", has_text="3–5 business days").last
    expect(answer.locator("a[href*='/help/shipping']")).to_have_count(1)

    script_errors.allow(r"kefu-markdown\.js answered 404", "the test takes the renderer away")
    page.unroute("**/static/widget/kefu-markdown.js")
    page.route("**/static/widget/kefu-markdown.js", lambda route: route.fulfill(status=404))
    page.reload()
    answer = page.locator(".kefu-msg.kefu-bot", has_text="3–5 business days").last
    answer.wait_for()
    assert page.locator(".kefu-log a, .kefu-log strong, .kefu-log li").count() == 0
    assert "/help/shipping" in answer.inner_text()
    chat.say("do you ship to canada?", until="Canada")  # the chat still works
    assert page.locator(".kefu-log a").count() == 0
