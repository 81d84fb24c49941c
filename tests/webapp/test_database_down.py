"""A database that cannot be reached: every route that needs it answers 503 with a
clear message (JSON `detail` for the API, a short page for the console), never a
500 with a traceback; the pages that do not need it still open."""

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.exc import InterfaceError, OperationalError

from helpdesk.config import Settings
from webapp.agent_auth import SESSION_COOKIE
from webapp.app import create_app

# knowledge_base/replies/errors.yml: database_unavailable
DATABASE_UNAVAILABLE = "The helpdesk database is not reachable right now."

UNREACHABLE = "postgresql://kefu@127.0.0.1:9/nowhere"  # nothing listens there
# Filled into the path of every route, and a body that passes every route's checks.
PATH_VALUES = {
    "{handoff_id}": "1",
    "{ref}": "T-00001",
    "{customer_id}": "C1001",
    "{article_id}": "shipping",
    "{session_id}": "a" * 32,
    "{language}": "zh",
    "{area}": "widget",
    "{view}": "tickets",  # the console's addresses (webapp/routers/console.py)
    "{item}": "T-00001",
}
BODY = {
    "email": "alex@brightwave.example",
    "password": "alex password 1",
    "text": "hello",
    "status": "open",
    "customer_id": "C1001",
}
# Pages and documents that need no database (also the help center and the interface
# texts, /i18n), and the widget's history (from Rasa).
WITHOUT_DATABASE = ("/", "/help", "/console/login", "/docs", "/openapi.json", "/healthz")


@pytest.fixture
def app():
    settings = Settings(database_url=UNREACHABLE, demo_mode=True, handoff_sweep_seconds=0)
    return create_app(settings.with_changes(rasa_url="http://127.0.0.1:9"))


@pytest.fixture
def client(app):
    return TestClient(app, raise_server_exceptions=False)


def _url(path: str) -> str:
    for placeholder, value in PATH_VALUES.items():
        path = path.replace(placeholder, value)
    return path


def test_signing_in_while_the_database_is_down_is_a_503_that_says_so(client):
    response = client.post("/api/agent/login", json=BODY)
    assert response.status_code == 503
    assert response.json() == {"detail": DATABASE_UNAVAILABLE}


@pytest.mark.parametrize(
    "method, url", [("GET", "/api/demo/customers"), ("POST", "/api/demo/token")]
)
def test_the_demo_sign_in_answers_503_while_the_database_is_down(client, method, url):
    response = client.request(method, url, json=BODY)
    assert response.status_code == 503
    assert response.json() == {"detail": DATABASE_UNAVAILABLE}


def test_the_console_shows_a_short_page_while_the_database_is_down(client):
    client.cookies.set(SESSION_COOKIE, "a session from before the outage")
    page = client.get("/console")
    assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
    assert DATABASE_UNAVAILABLE in page.text and "Try again" in page.text
    assert "Traceback" not in page.text and "psycopg2" not in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_the_console_login_page_still_opens_while_the_database_is_down(client):
    """It needs no database; the form then shows the login's 503 message."""
    page = client.get("/console/login")
    assert page.status_code == 200 and 'id="login-form"' in page.text


def test_every_route_answers_503_or_works_while_the_database_is_down(app, client):
    checked = 0
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        url = _url(route.path)
        for method in route.methods - {"HEAD"}:
            response = client.request(
                method, url, json=BODY, headers={"Authorization": "Bearer an old session"}
            )
            checked += 1
            if route.path.startswith("/api/widget"):  # Rasa's, not the database's
                assert response.status_code != 500, (method, url)
            elif route.path in WITHOUT_DATABASE or route.path.startswith(
                ("/help", "/{language}/help", "/i18n")
            ):
                assert response.status_code == 200, (method, url, response.text)
            else:
                assert response.status_code == 503, (method, url, response.text)
                assert DATABASE_UNAVAILABLE in response.text, (method, url)
    assert checked >= 30


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("SELECT 1", {}, Exception("server closed the connection")),
        InterfaceError("SELECT 1", {}, Exception("connection already closed")),
    ],
    ids=["OperationalError", "InterfaceError"],
)
def test_a_raw_database_error_escaping_a_route_is_a_503_not_a_500(settings, error):
    """Whatever a route forgets to catch: the app's handler answers for it."""
    app = create_app(settings.with_changes(demo_mode=True, handoff_sweep_seconds=0))
    state = app.state.kefu

    def fail(*args, **kwargs):
        raise error

    state.records.search_customers = fail
    state.accounts.agent_for_token = fail
    client = TestClient(app, raise_server_exceptions=False)
    api = client.get("/api/demo/customers")
    assert api.status_code == 503 and api.json() == {"detail": DATABASE_UNAVAILABLE}
    client.cookies.set(SESSION_COOKIE, "some session")
    page = client.get("/console")
    assert page.status_code == 503 and DATABASE_UNAVAILABLE in page.text
    assert "Traceback" not in page.text and "SELECT" not in page.text
