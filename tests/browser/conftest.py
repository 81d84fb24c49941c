"""Headless Chromium (Debian's, driven by Playwright) against the running stack."""

import re

import pytest

from ops.chromium import CHROMIUM_FLAGS, find_chromium


def chromium_path() -> str:
    path = find_chromium()
    if not path:
        pytest.fail(
            "Chromium is needed for the browser tests: install it (apt install chromium) or set KEFU_CHROMIUM"
        )
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, stack):
    context = browser.new_context(base_url=stack.config.web_url.replace("127.0.0.1", "localhost"))
    page = context.new_page()
    page.set_default_timeout(20_000)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()


class Chat:
    """The widget as a customer uses it."""

    def __init__(self, page):
        self.page = page

    def open(self):
        self.page.get_by_role("button", name="Open chat").click()
        self.page.locator(".kefu-msg.kefu-bot").first.wait_for()  # the greeting
        return self

    def say(self, text, until=None):
        """Sends `text`; waits for the first reply, or for a reply containing `until`."""
        before = self.page.locator(".kefu-msg.kefu-bot").count()
        box = self.page.get_by_label("Your message")
        box.fill(text)
        box.press("Enter")
        if until:
            self.page.locator(".kefu-msg.kefu-bot", has_text=until).last.wait_for()
        else:
            self.page.locator(".kefu-msg.kefu-bot").nth(before).wait_for()
            self.page.wait_for_timeout(500)  # the rest of a multi-message answer
        return self

    def bot_texts(self):
        return self.page.locator(".kefu-msg.kefu-bot .kefu-bubble").all_inner_texts()

    def customer_texts(self):
        return self.page.locator(".kefu-msg.kefu-customer .kefu-bubble").all_inner_texts()


@pytest.fixture
def chat(page):
    return Chat(page)


class Network:
    """The widget's WebSocket to Rasa, routed through Playwright so a test can drop
    it the way a customer's network does (Chromium's offline mode leaves open
    WebSockets alone)."""

    def __init__(self, page) -> None:
        self.down = False
        self.open_sockets: list = []
        page.route_web_socket(re.compile(r".*/socket\.io/.*"), self._route)

    def _route(self, socket) -> None:
        if self.down:
            socket.close()
            return
        socket.connect_to_server()
        self.open_sockets.append(socket)

    def drop(self) -> None:
        self.down = True
        for socket in self.open_sockets:
            socket.close()
        self.open_sockets.clear()

    def restore(self) -> None:
        self.down = False


@pytest.fixture
def network(page):
    return Network(page)
