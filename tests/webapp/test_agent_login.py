"""Signing in through the API, from particular client addresses: failures count per
(email, address), so a stranger elsewhere cannot lock an agent out; an unknown
email is answered exactly like an agent's; and behind the proxy (uvicorn's
X-Forwarded-For handling, as production runs it) each forwarded address counts on
its own while nobody else can choose theirs."""

import pytest
from fastapi.testclient import TestClient
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from helpdesk.agents import MAX_FAILED_LOGINS
from tests.webapp.agents_app import ALEX

# knowledge_base/replies/errors.yml: login_failed, the same for every wrong sign-in
LOGIN_FAILED = "That email and password do not match an agent."

STRANGER, OFFICE, PROXY = "203.0.113.66", "198.51.100.7", "127.0.0.1"
WRONG = "not the password"


def from_address(app, address: str) -> TestClient:
    return TestClient(app, client=(address, 50123))


def login(client: TestClient, email: str, password: str, **headers: str):
    response = client.post(
        "/api/agent/login", json={"email": email, "password": password}, headers=headers
    )
    return response.status_code, response.json()["detail"] if response.status_code != 200 else ""


def test_a_locked_address_is_told_to_wait_while_the_agent_signs_in_from_another(app):
    stranger = from_address(app, STRANGER)
    for _ in range(MAX_FAILED_LOGINS):
        assert login(stranger, ALEX[0], WRONG) == (401, LOGIN_FAILED)
    status, detail = login(stranger, ALEX[0], ALEX[2])
    assert status == 429 and "try again in 15 minutes" in detail
    assert login(from_address(app, OFFICE), ALEX[0], ALEX[2]) == (200, "")


def test_an_unknown_email_gets_the_same_answers_as_an_agents_email(app):
    def seven_wrong(email: str, address: str):
        client = from_address(app, address)
        return [login(client, email, WRONG) for _ in range(7)]

    known = seven_wrong(ALEX[0], "198.51.100.1")
    unknown = seven_wrong("nobody@brightwave.example", "198.51.100.2")
    assert known == unknown
    assert [status for status, _ in known] == [401] * 5 + [429] * 2


@pytest.fixture
def behind_proxy(app):
    """The app as uvicorn serves it by default: X-Forwarded-For believed only from
    127.0.0.1 (--forwarded-allow-ips), where nginx runs."""
    return ProxyHeadersMiddleware(app, trusted_hosts=PROXY)


def test_behind_the_proxy_each_forwarded_address_is_counted_on_its_own(behind_proxy):
    proxy = from_address(behind_proxy, PROXY)
    for _ in range(MAX_FAILED_LOGINS):
        assert login(proxy, ALEX[0], WRONG, **{"X-Forwarded-For": STRANGER})[0] == 401
    assert login(proxy, ALEX[0], ALEX[2], **{"X-Forwarded-For": STRANGER})[0] == 429
    assert login(proxy, ALEX[0], ALEX[2], **{"X-Forwarded-For": OFFICE}) == (200, "")


def test_a_client_that_is_not_the_proxy_cannot_choose_its_address(behind_proxy):
    stranger = from_address(behind_proxy, STRANGER)
    for number in range(MAX_FAILED_LOGINS):
        made_up = {"X-Forwarded-For": f"192.0.2.{number}"}
        assert login(stranger, ALEX[0], WRONG, **made_up)[0] == 401
    assert login(stranger, ALEX[0], ALEX[2], **{"X-Forwarded-For": "192.0.2.99"})[0] == 429
