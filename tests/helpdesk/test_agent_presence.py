"""Agents' status as others see it (helpdesk/agent_presence.py)."""

from datetime import timedelta

import pytest

from helpdesk.agent_presence import ADMIN, AWAY, OFFLINE, ONLINE, AgentPresence, PresenceError
from helpdesk.agents import AgentAccounts
from tests.conftest import OPEN_HOURS

NOW = OPEN_HOURS


@pytest.fixture
def presence(demo_db):
    return AgentPresence(demo_db, away_after=timedelta(minutes=5), default_capacity=3)


@pytest.fixture
def sam(demo_db):
    return AgentAccounts(demo_db).create_agent("sam@brightwave.example", "Sam Lee", "password123!")


def _status(presence, agent, now):
    return next(p.status for p in presence.everyone(now) if p.agent_id == agent.id)


def test_a_new_agent_is_offline_until_they_go_online(presence, sam):
    assert _status(presence, sam, NOW) == OFFLINE
    presence.set_status(sam.id, ONLINE, NOW)
    assert _status(presence, sam, NOW) == ONLINE


def test_an_online_agent_idle_for_too_long_shows_as_away_until_seen_active(presence, sam):
    presence.set_status(sam.id, ONLINE, NOW)
    assert _status(presence, sam, NOW + timedelta(minutes=5)) == AWAY
    presence.seen_active(sam.id, NOW + timedelta(minutes=5))
    assert _status(presence, sam, NOW + timedelta(minutes=6)) == ONLINE


def test_a_removed_agent_is_offline_whatever_they_chose(demo_db, presence, sam):
    presence.set_status(sam.id, ONLINE, NOW)
    AgentAccounts(demo_db).deactivate(sam.email)
    assert all(p.agent_id != sam.id for p in presence.everyone(NOW))


def test_capacity_and_role_are_set_by_email_and_bad_values_are_refused(presence, sam):
    presence.set_capacity(sam.email, 5)
    presence.set_role(sam.email, ADMIN)
    [view] = presence.everyone(NOW)
    assert (view.capacity, view.role) == (5, ADMIN)
    with pytest.raises(PresenceError):
        presence.set_status(sam.id, "busy", NOW)
    with pytest.raises(PresenceError):
        presence.set_capacity(sam.email, -1)
    with pytest.raises(PresenceError):
        presence.set_role("nobody@example.com", ADMIN)
