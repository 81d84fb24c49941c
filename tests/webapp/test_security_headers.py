"""Security headers on every page: a Content-Security-Policy that runs only the
app's own scripts and styles and lets no one frame the page, the widget's
connection to the Rasa server allowed on the shop's pages only, and the old
headers (X-Frame-Options, nosniff, Referrer-Policy) besides. The pages must not
need inline scripts or styles, so they are checked for none."""

import re

import pytest

from tests.webapp.agents_app import sign_in
from webapp.app import create_app
from webapp.security_headers import socket_origins

RASA = "http://chat.example:5005"
SHOP_PAGES = ["/", "/help", "/help/shipping"]
CONSOLE_PAGES = ["/console/login", "/console"]
INLINE = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.I)


def directives(policy: str) -> dict:
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.fixture
def agent(app):
    """A signed-in console user of an app whose widget talks to RASA."""
    settings = app.state.kefu.settings.with_changes(public_rasa_url=RASA, demo_mode=True)
    return sign_in(create_app(settings))


@pytest.mark.parametrize("path", SHOP_PAGES + CONSOLE_PAGES)
def test_every_page_forbids_framing_sniffing_and_anything_but_its_own_code(agent, path):
    page = agent.get(path, follow_redirects=False)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    policy = directives(page.headers["content-security-policy"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == ["'self'"]
    assert policy["object-src"] == policy["base-uri"] == ["'none'"]
    assert INLINE.findall(page.text) == [], "inline code the policy would block"


@pytest.mark.parametrize("path", SHOP_PAGES)
def test_the_shop_pages_let_the_widget_reach_the_rasa_server_by_polling_and_websocket(
    agent, path
):
    policy = directives(agent.get(path).headers["content-security-policy"])
    assert policy["connect-src"] == ["'self'", "http://chat.example:5005", "ws://chat.example:5005"]


@pytest.mark.parametrize("path", CONSOLE_PAGES)
def test_the_console_talks_to_nothing_but_this_app(agent, path):
    policy = directives(agent.get(path).headers["content-security-policy"])
    assert policy["connect-src"] == ["'self'"]


def test_a_rasa_server_behind_https_is_reached_over_https_and_wss():
    assert socket_origins("https://rasa.example.com/") == (
        "https://rasa.example.com",
        "wss://rasa.example.com",
    )
    assert socket_origins("rasa.example.com") == ()


def test_json_answers_are_not_sniffed_and_allow_nothing(agent):
    answer = agent.get("/api/queue")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert directives(answer.headers["content-security-policy"]) == {
        "default-src": ["'none'"],
        "frame-ancestors": ["'none'"],
    }


def test_the_templates_have_no_inline_scripts_or_styles():
    from webapp.dependencies import TEMPLATES_DIR

    for template in TEMPLATES_DIR.glob("*.html"):
        assert INLINE.findall(template.read_text()) == [], template.name
