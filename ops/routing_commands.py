"""`./kefu team ...`, `./kefu route ...`, `./kefu agent-role` and `./kefu
agent-capacity`: the admin's commands for teams, routing rules and how many chats
each agent is given (helpdesk/handoffs/teams.py, helpdesk/agent_presence.py)."""

from __future__ import annotations

import argparse
import sys
from typing import Callable, Dict

from helpdesk.agent_presence import ADMIN, AGENT, AgentPresence, PresenceError
from helpdesk.config import Settings
from helpdesk.db import Database
from helpdesk.handoffs.teams import TeamError, Teams


def add_parsers(commands: argparse._SubParsersAction) -> None:
    team = commands.add_parser("team", help="teams of agents chats are routed to")
    team_actions = team.add_subparsers(dest="team_action", required=True)
    create = team_actions.add_parser("create", help="create a team")
    create.add_argument("--key", required=True, help="e.g. billing")
    create.add_argument("--name", required=True, help='e.g. "Billing"')
    for action in ("add-member", "remove-member"):
        member = team_actions.add_parser(action, help=f"{action.split('-')[0]} an agent")
        member.add_argument("--team", required=True)
        member.add_argument("--email", required=True)
    team_actions.add_parser("list", help="every team and its members")

    route = commands.add_parser("route", help="rules that send chats to a team")
    route_actions = route.add_subparsers(dest="route_action", required=True)
    add = route_actions.add_parser(
        "add", help="a rule tried after the existing ones; what it leaves out matches anything"
    )
    add.add_argument("--team", required=True)
    add.add_argument("--reason", help="why the bot handed over, e.g. fraud_report")
    add.add_argument("--category", help="the ticket category, e.g. billing")
    add.add_argument("--tier", help="standard, plus or premier")
    add.add_argument("--language", help="en or zh")
    remove = route_actions.add_parser("remove", help="delete a rule")
    remove.add_argument("--id", type=int, required=True)
    route_actions.add_parser("list", help="the rules in the order they are tried")

    role = commands.add_parser("agent-role", help="make an agent an admin, or an agent again")
    role.add_argument("--email", required=True)
    role.add_argument("--role", required=True, choices=[AGENT, ADMIN])
    capacity = commands.add_parser(
        "agent-capacity", help="how many chats an agent is assigned at once"
    )
    capacity.add_argument("--email", required=True)
    capacity.add_argument("--chats", type=int, required=True)


def _db() -> Database:
    db = Database(Settings.from_env().database_url)
    db.create_schema()
    return db


def cmd_team(args: argparse.Namespace) -> int:
    teams = Teams(_db())
    try:
        if args.team_action == "create":
            made = teams.create(args.key, args.name)
            print(f"[kefu] created team {made.key} ({made.name})")
        elif args.team_action == "add-member":
            print(
                f"[kefu] {args.team}: {', '.join(teams.add_member(args.team, args.email).members)}"
            )
        elif args.team_action == "remove-member":
            left = teams.remove_member(args.team, args.email).members
            print(f"[kefu] {args.team}: {', '.join(left) or 'no members'}")
        else:
            for view in teams.all():
                print(f"{view.key}\t{view.name}\t{', '.join(view.members) or '-'}")
    except TeamError as error:
        print(f"[kefu] {error}", file=sys.stderr)
        return 1
    return 0


def cmd_route(args: argparse.Namespace) -> int:
    teams = Teams(_db())
    try:
        if args.route_action == "add":
            rule = teams.add_rule(args.team, args.reason, args.category, args.tier, args.language)
            print(f"[kefu] rule {rule.id} sends {_conditions(rule)} to {rule.team_key}")
        elif args.route_action == "remove":
            teams.remove_rule(args.id)
            print(f"[kefu] removed rule {args.id}")
        else:
            for rule in teams.rules():
                print(f"{rule.id}\t{_conditions(rule)}\t-> {rule.team_key}")
    except TeamError as error:
        print(f"[kefu] {error}", file=sys.stderr)
        return 1
    return 0


def _conditions(rule) -> str:  # type: ignore[no-untyped-def]
    named = {
        "reason": rule.reason,
        "category": rule.category,
        "tier": rule.tier,
        "language": rule.language,
    }
    return " and ".join(f"{k}={v}" for k, v in named.items() if v)


def cmd_agent_role(args: argparse.Namespace) -> int:
    return _presence_change(
        lambda p: p.set_role(args.email, args.role), f"{args.email} is now {args.role}"
    )


def cmd_agent_capacity(args: argparse.Namespace) -> int:
    return _presence_change(
        lambda p: p.set_capacity(args.email, args.chats),
        f"{args.email} is assigned up to {args.chats} chats at once",
    )


def _presence_change(change: Callable[[AgentPresence], None], done: str) -> int:
    try:
        change(AgentPresence(_db()))
    except PresenceError as error:
        print(f"[kefu] {error}", file=sys.stderr)
        return 1
    print(f"[kefu] {done}")
    return 0


COMMANDS: Dict[str, Callable[[argparse.Namespace], int]] = {
    "team": cmd_team,
    "route": cmd_route,
    "agent-role": cmd_agent_role,
    "agent-capacity": cmd_agent_capacity,
}
