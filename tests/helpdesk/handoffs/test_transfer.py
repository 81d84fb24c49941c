"""Passing a chat to another agent or a team (helpdesk/handoffs/transfer.py)."""

from datetime import timedelta

import pytest

from helpdesk.agent_presence import ONLINE, AgentPresence
from helpdesk.handoffs.assignment import Assigner
from helpdesk.handoffs.desk import HandoffConflict, NotYourChat
from helpdesk.handoffs.teams import Teams
from tests.conftest import OPEN_HOURS, queue_chat

NOW = OPEN_HOURS





@pytest.fixture
def held(desk, conversations, alex):
    chat = queue_chat(conversations)
    desk.claim(chat, alex, NOW)
    return chat


def test_a_chat_passed_to_an_agent_is_theirs_at_once_and_the_customer_hears_who_took_over(
    desk, held, alex, sam
):
    outcome = desk.transfer_to_agent(held, alex, sam.email, "billing question, not mine", NOW)
    assert (outcome.entry.status, outcome.entry.agent_name) == ("active", "Sam Lee")
    assert outcome.event.internal and "billing question, not mine" in outcome.event.body
    assert "Sam Lee" in outcome.notices[0].text and "billing" not in outcome.notices[0].text
    assert outcome.notices[0].metadata["handoff"] == {"status": "active", "agent_name": "Sam Lee"}
    assert desk.check_can_write(held, sam).id == held
    with pytest.raises(NotYourChat):
        desk.check_can_write(held, alex)


def test_a_chat_passed_to_a_team_waits_for_that_teams_online_agent(demo_db, desk, held, alex, sam):
    teams = Teams(demo_db)
    teams.create("billing", "Billing")
    teams.add_member("billing", sam.email)
    presence = AgentPresence(demo_db)
    presence.set_status(alex.id, ONLINE, NOW)
    outcome = desk.transfer_to_team(held, alex, "billing", "", NOW)
    assert (outcome.entry.status, outcome.entry.team_key) == ("waiting", "billing")
    assert "Billing" in outcome.notices[0].text
    assigner = Assigner(desk, teams, presence)
    assert assigner.run(NOW) == []  # Alex is online but not in billing
    presence.set_status(sam.id, ONLINE, NOW)
    [assigned] = assigner.run(NOW)
    assert assigned.entry.agent_name == "Sam Lee"


def test_only_the_holder_transfers_and_only_to_someone_who_exists(desk, held, alex, sam):
    with pytest.raises(NotYourChat):
        desk.transfer_to_agent(held, sam, alex.email, "", NOW)
    with pytest.raises(HandoffConflict, match="no agent"):
        desk.transfer_to_agent(held, alex, "ghost@brightwave.example", "", NOW)
    with pytest.raises(HandoffConflict, match="no team"):
        desk.transfer_to_team(held, alex, "legal", "", NOW)
    with pytest.raises(HandoffConflict):
        desk.transfer_to_agent(held, alex, alex.email, "", NOW)


def test_an_agent_who_stays_silent_after_a_transfer_loses_the_chat(demo_db, desk, held, alex, sam):
    desk.transfer_to_agent(held, alex, sam.email, "", NOW)
    assigner = Assigner(desk, Teams(demo_db), AgentPresence(demo_db), timedelta(minutes=3))
    [requeued] = assigner.run(NOW + timedelta(minutes=4))
    assert (requeued.entry.id, requeued.entry.status) == (held, "waiting")
