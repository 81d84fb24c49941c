"""Fixtures of the web app's tests: the app on a real SQLite database with the demo
data and two agents, Rasa's HTTP API stood in for by httpx's MockTransport, and
signed-in clients."""

import httpx
import pytest

from helpdesk.agents import AgentAccounts
from tests.webapp.agents_app import ALEX, SAM, FakeRasa, sign_in
from webapp.app import create_app


@pytest.fixture
def rasa(monkeypatch):
    fake = FakeRasa()
    real_client = httpx.AsyncClient
    transport = httpx.MockTransport(fake)
    monkeypatch.setattr(httpx, "AsyncClient", lambda **kw: real_client(transport=transport, **kw))
    return fake


@pytest.fixture
def app(settings, demo_db, rasa):
    for email, name, password in (ALEX, SAM):
        AgentAccounts(demo_db).create_agent(email, name, password)
    return create_app(
        settings.with_changes(rasa_url="http://rasa.test", rasa_token="t", handoff_sweep_seconds=0)
    )


@pytest.fixture
def alex(app):
    return sign_in(app, ALEX)


@pytest.fixture
def sam(app):
    return sign_in(app, SAM)
