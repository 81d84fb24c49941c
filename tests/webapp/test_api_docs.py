"""/docs works without the internet: Swagger UI's files are served by the app, the
page names no other host, and its policy allows its one inline script by hash.
(tests/webapp/test_api_docs_browser.py renders it in Chromium with every other
host blocked.)"""

import re

import pytest
from fastapi.testclient import TestClient

from webapp.api_docs import inline_script_hashes
from webapp.app import create_app

REFERENCE = re.compile(r"""(?:src|href|url)\s*[=:]\s*['"]([^'"]+)['"]""")


@pytest.fixture
def client(settings):
    return TestClient(create_app(settings))


def test_the_api_docs_name_no_other_host_and_the_app_serves_every_file_they_use(client):
    page = client.get("/docs")
    assert page.status_code == 200
    references = REFERENCE.findall(page.text)
    assert {"/openapi.json", "/docs/assets/swagger-ui-bundle.js"} <= set(references)
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", page.text, re.I)
    for url in references:
        assert url.startswith("/"), url
        assert client.get(url).status_code == 200, url


def test_the_api_docs_allow_their_one_inline_script_by_its_hash_and_nothing_else(client):
    page = client.get("/docs")
    [script_hash] = inline_script_hashes(page.text)
    policy = page.headers["content-security-policy"]
    assert f"script-src 'self' {script_hash};" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy


def test_fastapis_cdn_pages_are_not_served(client):
    assert client.get("/redoc").status_code == 404
    assert client.get("/docs/oauth2-redirect").status_code == 404
