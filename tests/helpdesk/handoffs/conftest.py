"""What the handoff tests share: the desk on the demo database and two agents."""

from datetime import timedelta

import pytest

from helpdesk.agents import AgentAccounts
from helpdesk.handoffs.desk import HandoffDesk


@pytest.fixture
def desk(demo_db, records, facts):
    return HandoffDesk(demo_db, records, facts, claim_timeout=timedelta(minutes=15))


@pytest.fixture
def alex(demo_db):
    return AgentAccounts(demo_db).create_agent(
        "alex@brightwave.example", "Alex Rivera", "password123!"
    )


@pytest.fixture
def sam(demo_db):
    return AgentAccounts(demo_db).create_agent("sam@brightwave.example", "Sam Lee", "password123!")
