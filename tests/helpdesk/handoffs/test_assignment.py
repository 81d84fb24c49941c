"""Automatic assignment against a real database: chats go to online agents of the
right team, least busy first, up to their capacity, Premier first; a silent agent's
chat goes back to the queue."""

from datetime import timedelta

import pytest

from helpdesk.agent_presence import AWAY, ONLINE, AgentPresence
from helpdesk.agents import AgentAccounts
from helpdesk.handoffs.assignment import REQUEUED, Assigner
from helpdesk.handoffs.desk import HandoffConflict
from helpdesk.handoffs.teams import Teams
from tests.conftest import OPEN_HOURS, queue_chat

NOW = OPEN_HOURS



@pytest.fixture
def presence(demo_db):
    return AgentPresence(demo_db, away_after=timedelta(minutes=5), default_capacity=2)


@pytest.fixture
def teams(demo_db):
    return Teams(demo_db)


@pytest.fixture
def assigner(desk, teams, presence):
    return Assigner(desk, teams, presence, silent_after=timedelta(minutes=3))


def _agent(demo_db, presence, email, name, status=ONLINE):
    agent = AgentAccounts(demo_db).create_agent(email, name, "password123!")
    presence.set_status(agent.id, status, NOW)
    return agent


def test_a_waiting_chat_goes_to_an_online_agent_and_the_customer_hears_who_joined(
    demo_db, conversations, assigner, presence
):
    alex = _agent(demo_db, presence, "alex@brightwave.example", "Alex Rivera")
    chat = queue_chat(conversations)
    [outcome] = assigner.run(NOW)
    assert (outcome.entry.id, outcome.entry.status, outcome.entry.agent_name) == (
        chat,
        "active",
        alex.name,
    )
    assert "Alex Rivera" in outcome.notices[0].text
    assert "automatically" in outcome.event.body


def test_nobody_gets_a_chat_while_away_offline_or_idle(demo_db, conversations, assigner, presence):
    _agent(demo_db, presence, "away@brightwave.example", "Away Agent", AWAY)
    idle = _agent(demo_db, presence, "idle@brightwave.example", "Idle Agent")
    queue_chat(conversations)
    assert assigner.run(NOW + timedelta(minutes=6)) == []  # idle for longer than away_after
    presence.seen_active(idle.id, NOW + timedelta(minutes=6))
    assert len(assigner.run(NOW + timedelta(minutes=6))) == 1


def test_chats_are_spread_least_busy_first_and_never_beyond_capacity(
    demo_db, conversations, assigner, presence
):
    alex = _agent(demo_db, presence, "alex@brightwave.example", "Alex Rivera")
    sam = _agent(demo_db, presence, "sam@brightwave.example", "Sam Lee")
    for n in range(5):
        queue_chat(conversations, f"chat-{n}")
    outcomes = assigner.run(NOW)
    holders = [o.entry.agent_name for o in outcomes]
    assert sorted(holders) == sorted([alex.name, alex.name, sam.name, sam.name])  # capacity 2
    assert holders[0] != holders[1]  # alternates: the least busy takes the next
    assert len([e for e in assigner.desk.queue() if e.status == "waiting"]) == 1


def test_a_premier_chat_is_assigned_before_older_standard_ones(
    demo_db, conversations, assigner, presence
):
    presence.default_capacity = 1
    _agent(demo_db, presence, "alex@brightwave.example", "Alex Rivera")
    queue_chat(conversations, "standard-chat", customer_id="C1003", priority=2)
    premier = queue_chat(conversations, "premier-chat", customer_id="C1001", priority=9)
    [outcome] = assigner.run(NOW)
    assert outcome.entry.id == premier


def test_a_chat_routed_to_a_team_goes_only_to_that_teams_agents(
    demo_db, conversations, assigner, presence, teams
):
    _agent(demo_db, presence, "alex@brightwave.example", "Alex Rivera")
    sam = _agent(demo_db, presence, "sam@brightwave.example", "Sam Lee")
    teams.create("billing", "Billing")
    teams.add_member("billing", sam.email)
    teams.add_rule("billing", category="billing")
    chat = conversations.create_handoff(_billing_chat()).id
    [outcome] = assigner.run(NOW)
    assert (outcome.entry.id, outcome.entry.agent_name) == (chat, sam.name)


def test_a_team_chat_waits_while_its_team_is_full_though_others_are_free(
    demo_db, conversations, assigner, presence, teams
):
    presence.default_capacity = 1
    _agent(demo_db, presence, "alex@brightwave.example", "Alex Rivera")
    sam = _agent(demo_db, presence, "sam@brightwave.example", "Sam Lee")
    teams.create("billing", "Billing")
    teams.add_member("billing", sam.email)
    teams.add_rule("billing", category="billing")
    conversations.create_handoff(_billing_chat("bill-1"))
    conversations.create_handoff(_billing_chat("bill-2"))
    outcomes = assigner.run(NOW)
    assert [o.entry.agent_name for o in outcomes] == [sam.name]


def test_a_silent_agent_loses_the_chat_is_set_away_and_the_customer_is_told(
    demo_db, conversations, assigner, presence
):
    alex = _agent(demo_db, presence, "alex@brightwave.example", "Alex Rivera")
    chat = queue_chat(conversations)
    assigner.run(NOW)
    assert assigner.run(NOW + timedelta(minutes=2)) == []  # not yet
    [requeued] = assigner.run(NOW + timedelta(minutes=3, seconds=1))
    assert (requeued.entry.id, requeued.entry.status, requeued.event.kind) == (
        chat,
        "waiting",
        REQUEUED,
    )
    assert "Alex Rivera" in requeued.event.body and "Alex Rivera" in requeued.notices[0].text
    [view] = [p for p in presence.everyone(NOW) if p.agent_id == alex.id]
    assert view.status == AWAY


def test_an_agent_who_answered_keeps_the_chat(demo_db, conversations, assigner, presence, desk):
    alex = _agent(demo_db, presence, "alex@brightwave.example", "Alex Rivera")
    chat = queue_chat(conversations)
    assigner.run(NOW)
    desk.record_reply(chat, alex, "Hello Maya, looking at it now", NOW + timedelta(minutes=1))
    assert assigner.run(NOW + timedelta(minutes=10)) == []
    assert desk.detail(chat).entry.agent_name == alex.name


def test_a_chat_claimed_by_hand_is_never_taken_back_for_silence(
    demo_db, conversations, assigner, presence, desk
):
    sam = AgentAccounts(demo_db).create_agent("sam@brightwave.example", "Sam Lee", "password123!")
    chat = queue_chat(conversations)
    desk.claim(chat, sam, NOW)
    assert assigner.run(NOW + timedelta(hours=1)) == []
    with pytest.raises(HandoffConflict):
        desk.assign(chat, sam, NOW)


def _billing_chat(conversation_id="bill-chat"):
    from helpdesk.conversation_records import NewHandoff

    return NewHandoff(
        conversation_id=conversation_id,
        reason="customer_request",
        transcript=[],
        collected={"ticket_category": "billing"},
        customer_id="C1001",
        identity_method="token",
        priority=5,
    )
