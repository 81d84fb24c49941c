"""The web app's pages in headless Chromium with every host but this machine
blocked: /docs renders the API's operations from the app's own files, and no page
(the shop with its widget, a help article, the console's sign-in and the console)
breaks a rule of its Content-Security-Policy.

The app runs in a thread of this process (uvicorn), and Playwright in a thread of
its own: the browser tests in tests/browser keep Playwright's sync API running in
the main thread, and a second one there would refuse to start."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterator, List, TypeVar
from urllib.parse import urlsplit

import pytest
import uvicorn

from helpdesk.agents import AgentAccounts
from helpdesk.config import Settings
from helpdesk.db import Database
from ops.chromium import CHROMIUM_FLAGS, find_chromium
from ops.servers import free_ports
from tests.conftest import import_demo
from webapp.app import create_app

pytestmark = pytest.mark.browser

EMAIL, NAME, PASSWORD = "ana@brightwave.example", "Ana Lima", "correct horse battery"
HOST = "127.0.0.1"
T = TypeVar("T")


@pytest.fixture(scope="module")
def web_url(tmp_path_factory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("pages")
    db = Database(f"sqlite:///{root / 'kefu.db'}")
    import_demo(db)
    AgentAccounts(db).create_agent(EMAIL, NAME, PASSWORD)
    web_port, rasa_port = free_ports(2)  # nothing listens on the Rasa port
    settings = Settings(
        database_url=db.url,
        rasa_url=f"http://{HOST}:{rasa_port}",
        public_rasa_url=f"http://{HOST}:{rasa_port}",
        handoff_sweep_seconds=0,
        demo_mode=True,
    )
    config = uvicorn.Config(create_app(settings), host=HOST, port=web_port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the web app did not start"
        time.sleep(0.05)
    yield f"http://{HOST}:{web_port}"
    server.should_exit = True
    thread.join(timeout=10)
    db.dispose()


class Offline:
    """A browser page that may reach this machine only, recording what it tried
    to fetch elsewhere and every Content-Security-Policy violation it reported."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context()
        self.blocked: List[str] = []
        self.violations: List[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.page.on("console", self._console)

    def _route(self, route) -> None:
        if urlsplit(route.request.url).hostname == HOST:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.violations.append(message.text)


def in_browser(check: Callable[[object], T]) -> T:
    """Runs `check(browser)` with a fresh headless Chromium, in a thread of its own."""
    chromium = find_chromium()
    if not chromium:
        pytest.fail("Chromium is needed for the browser tests: install it (apt install chromium)")

    def run() -> T:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
            try:
                return check(browser)
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def test_the_api_docs_render_the_operations_without_the_internet(web_url):
    def check(browser):
        offline = Offline(browser)
        page = offline.page
        page.goto(f"{web_url}/docs")
        page.locator(".opblock").first.wait_for()
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        title = page.locator(".info .title").inner_text()
        return paths, title, offline.blocked, offline.violations

    paths, title, blocked, violations = in_browser(check)
    assert {"/api/agent/login", "/api/queue", "/api/handoffs/{handoff_id}/claim"} <= set(
        p.replace("\u200b", "") for p in paths
    )
    assert "Kefu helpdesk API" in title
    assert blocked == [] and violations == []


def test_no_page_breaks_its_content_security_policy(web_url):
    def check(browser):
        offline = Offline(browser)
        page = offline.page
        page.goto(f"{web_url}/")
        page.get_by_role("button", name="Open chat").click()
        # The demo panel's script filled the customer list from the API.
        page.locator("#demo-customer option[value='C1001']").wait_for(state="attached")
        page.goto(f"{web_url}/help/shipping")
        page.locator(".kefu-panel").wait_for()  # still open, as the customer left it
        page.goto(f"{web_url}/console")
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.get_by_test_id("agent-name").wait_for()
        page.locator(".live-status", has_text="Live").wait_for()  # the event stream is up
        return offline.blocked, offline.violations

    blocked, violations = in_browser(check)
    assert violations == [] and blocked == []
