"""Teams and routing rules against a real database (helpdesk/handoffs/teams.py)."""

import pytest

from helpdesk.agents import AgentAccounts
from helpdesk.handoffs.teams import ChatFacts, TeamError, Teams


@pytest.fixture
def teams(demo_db):
    return Teams(demo_db)


def test_a_team_lists_its_members_once_however_often_they_are_added(demo_db, teams):
    AgentAccounts(demo_db).create_agent("sam@brightwave.example", "Sam Lee", "password123!")
    teams.create("billing", "Billing")
    teams.add_member("billing", "sam@brightwave.example")
    view = teams.add_member("billing", "SAM@brightwave.example ")
    assert view.members == ("sam@brightwave.example",)
    assert teams.remove_member("billing", "sam@brightwave.example").members == ()


def test_unknown_teams_agents_bad_keys_and_empty_rules_are_refused_clearly(teams):
    teams.create("privacy", "Privacy")
    with pytest.raises(TeamError, match="already"):
        teams.create("privacy", "Privacy again")
    with pytest.raises(TeamError, match="not a team key"):
        teams.create("Billing Team!", "x")
    with pytest.raises(TeamError, match="no agent"):
        teams.add_member("privacy", "nobody@example.com")
    with pytest.raises(TeamError, match="no team"):
        teams.add_rule("legal", reason="legal_issue")
    with pytest.raises(TeamError, match="at least one"):
        teams.add_rule("privacy")
    with pytest.raises(TeamError, match="no routing rule"):
        teams.remove_rule(999)


def test_the_first_rule_that_matches_names_the_team_and_empty_fields_match_anything(teams):
    for key in ("privacy", "billing", "chinese", "vip"):
        teams.create(key, key.title())
    teams.add_rule("privacy", reason="data_deletion")
    teams.add_rule("billing", category="billing")
    teams.add_rule("chinese", language="zh")
    teams.add_rule("vip", tier="Premier")
    assert teams.team_for(ChatFacts("data_deletion", "billing", "premier", "zh")) == "privacy"
    assert teams.team_for(ChatFacts("customer_request", "billing", None, "zh")) == "billing"
    assert teams.team_for(ChatFacts("customer_request", None, "premier", "zh")) == "chinese"
    assert teams.team_for(ChatFacts("customer_request", None, "premier", "en")) == "vip"
    assert teams.team_for(ChatFacts("customer_request", None, "standard", "en")) is None


def test_a_removed_rule_no_longer_routes(teams):
    teams.create("billing", "Billing")
    rule = teams.add_rule("billing", category="billing")
    teams.remove_rule(rule.id)
    assert teams.team_for(ChatFacts("customer_request", "billing", None, None)) is None
