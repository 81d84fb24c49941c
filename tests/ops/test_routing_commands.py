"""The admin's team, routing and capacity commands, run the way the README says
(`./kefu team ...` is `python -m ops team ...`), against a real database."""

from helpdesk.agent_presence import ADMIN, AgentPresence
from helpdesk.db import Database
from helpdesk.desk_texts import account_refusal
from helpdesk.handoffs.teams import ChatFacts, Teams
from tests.conftest import OPEN_HOURS
from tests.ops.test_agent_commands import create_sam, kefu


def test_an_admin_builds_a_team_routes_chats_to_it_and_sets_an_agents_role_and_capacity(
    tmp_path,
):
    url = f"sqlite:///{tmp_path / 'kefu.db'}"
    assert create_sam(url, "Sam Lee", "a good password").returncode == 0
    steps = [
        ("team", "create", "--key", "billing", "--name", "Billing"),
        ("team", "add-member", "--team", "billing", "--email", "sam@shop.example"),
        ("route", "add", "--team", "billing", "--category", "billing"),
        ("agent-role", "--email", "sam@shop.example", "--role", "admin"),
        ("agent-capacity", "--email", "sam@shop.example", "--chats", "5"),
    ]
    for step in steps:
        done = kefu(url, *step)
        assert done.returncode == 0, done.stderr
    listed = kefu(url, "team", "list").stdout
    assert "billing" in listed and "sam@shop.example" in listed
    assert "category=billing" in kefu(url, "route", "list").stdout
    teams = Teams(Database(url))
    assert teams.team_for(ChatFacts("customer_request", "billing", None, None)) == "billing"
    [sam] = AgentPresence(Database(url)).everyone(OPEN_HOURS)
    assert (sam.role, sam.capacity) == (ADMIN, 5)


def test_a_mistake_in_a_command_is_explained_and_changes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'kefu.db'}"
    unknown = kefu(url, "team", "add-member", "--team", "nope", "--email", "x@shop.example")
    assert unknown.returncode == 1 and account_refusal("no_such_team", team="nope") in unknown.stderr
    empty = kefu(url, "team", "create", "--key", "tech", "--name", "Tech")
    assert empty.returncode == 0
    rule = kefu(url, "route", "add", "--team", "tech")
    assert rule.returncode == 1 and account_refusal("rule_empty") in rule.stderr
    assert kefu(url, "agent-capacity", "--email", "x@shop.example", "--chats", "99").returncode == 1
    assert Teams(Database(url)).rules() == []
