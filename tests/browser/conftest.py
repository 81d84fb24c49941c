"""Headless Chromium (Debian's, driven by Playwright) against the running stack.

Every page a browser test opens (the widget, the console, the shop; through the
`page` fixture, a context of the test's own or `browser.new_page()`) is watched:
an uncaught script error, a console message of type "error" or a script or
stylesheet that did not load fails the test at teardown (`script_errors`)."""

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


# What a page loads to show itself: when one of these fails, the page is broken.
# (A fetch, an event stream or a WebSocket is its script's business: the script
# gets the status and must cope, as the console does with a 401 or a 503; if it
# does not, the rejection is a page error.)
PAGE_RESOURCES = ("document", "script", "stylesheet", "font", "image")
# Chromium's own console line for any response >= 400 or failed request, fetches
# included: resources are judged by the network events instead (PAGE_RESOURCES).
NETWORK_LOG = re.compile(r"^Failed to load resource: ")


class ScriptErrors:
    """The script errors of every page opened during one test: uncaught exceptions
    and unhandled rejections (`pageerror`), console messages of type "error"
    (console.error, a blocked script, a refused WebSocket), and a script,
    stylesheet, font or image of the page that did not load."""

    def __init__(self) -> None:
        self.errors: list = []
        self.allowed: list = []
        self._watched: set = set()

    def allow(self, pattern: str, why: str) -> None:
        """Lets errors matching `pattern` pass in this test only; `why` says what
        the test does that causes them, for whoever reads it."""
        assert why, "say why the error is expected"
        self.allowed.append(re.compile(pattern))

    def watch_context(self, context) -> None:
        context.on("page", self.watch_page)
        for page in context.pages:
            self.watch_page(page)

    def watch_page(self, page) -> None:
        if id(page) in self._watched:
            return
        self._watched.add(id(page))
        page.on("pageerror", lambda error: self._add(page, f"uncaught {error}"))
        page.on("console", lambda message: self._console(page, message))
        page.on("response", lambda response: self._response(page, response))
        page.on("requestfailed", lambda request: self._failed(page, request))

    def _add(self, page, error: str) -> None:
        if not any(pattern.search(error) for pattern in self.allowed):
            self.errors.append(f"{page.url}: {error}")

    def _console(self, page, message) -> None:
        if message.type != "error" or NETWORK_LOG.match(message.text):
            return
        where = message.location or {}
        at = f" ({where.get('url')}:{where.get('lineNumber', 0)})" if where.get("url") else ""
        self._add(page, f"console.error {message.text}{at}")

    def _response(self, page, response) -> None:
        if response.status >= 400 and response.request.resource_type in PAGE_RESOURCES:
            kind = response.request.resource_type
            self._add(page, f"{kind} {response.url} answered {response.status}")

    def _failed(self, page, request) -> None:
        failure = request.failure or ""
        # A load the page itself stopped (it navigated on) is no error.
        if request.resource_type in PAGE_RESOURCES and "ERR_ABORTED" not in failure:
            self._add(page, f"{request.resource_type} {request.url} failed: {failure}")


@pytest.fixture(autouse=True)
def script_errors(request, monkeypatch):
    """Watches every page the test opens; fails it if any had a script error.

    Wraps the session's browser for the test's duration, so pages made from any
    context (the `page` fixture's, a test's own, a console's) are covered."""
    if "browser" not in request.fixturenames:
        yield None  # this test opens no browser
        return
    browser = request.getfixturevalue("browser")
    watcher = ScriptErrors()
    new_context, new_page = browser.new_context, browser.new_page

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        watcher.watch_context(context)
        return context

    def watched_page(*args, **kwargs):
        page = new_page(*args, **kwargs)
        watcher.watch_context(page.context)
        return page

    monkeypatch.setattr(browser, "new_context", watched_context)
    monkeypatch.setattr(browser, "new_page", watched_page)
    yield watcher
    assert watcher.errors == [], "script errors in the browser:\n" + "\n".join(watcher.errors)


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
