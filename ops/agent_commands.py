"""`./kefu create-agent` and `./kefu agent-password`: the admin's commands for
console accounts, plus the demo agent that `./kefu start` creates in demo mode."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Optional

from helpdesk.agents import AgentAccounts, AgentError
from helpdesk.config import Settings
from helpdesk.db import Database

# Demo mode only (refused outside KEFU_ENV=development), like the demo sign-in.
DEMO_AGENT_EMAIL = "agent@brightwave.example"
DEMO_AGENT_NAME = "Alex Rivera"
DEMO_AGENT_PASSWORD = "kefu-demo-agent"


def add_parsers(commands: argparse._SubParsersAction) -> None:
    create = commands.add_parser(
        "create-agent", help="create a support agent who can sign in to the console"
    )
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True, help='the name customers see, e.g. "Alex Rivera"')
    create.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input (for scripts)",
    )
    remove = commands.add_parser(
        "remove-agent",
        help="stop an agent from signing in (signs them out; their chats keep their name)",
    )
    remove.add_argument("--email", required=True)
    reset = commands.add_parser(
        "agent-password", help="set a new password for an agent (signs them out)"
    )
    reset.add_argument("--email", required=True)
    reset.add_argument("--password-stdin", action="store_true")


def _accounts() -> AgentAccounts:
    settings = Settings.from_env()
    db = Database(settings.database_url)
    db.create_schema()
    return AgentAccounts(db, settings.agent_session_hours)


def _read_password(from_stdin: bool) -> Optional[str]:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (at least 10 characters): ")
    if getpass.getpass("The same password again: ") != first:
        print("[kefu] the two passwords differ; nothing changed", file=sys.stderr)
        return None
    return first


def cmd_create_agent(args: argparse.Namespace) -> int:
    password = _read_password(args.password_stdin)
    if password is None:
        return 1
    try:
        agent = _accounts().create_agent(args.email, args.name, password)
    except AgentError as error:
        print(f"[kefu] could not create the agent: {error}", file=sys.stderr)
        return 1
    print(f"[kefu] created agent {agent.name} <{agent.email}>; they sign in at /console")
    return 0


def cmd_agent_password(args: argparse.Namespace) -> int:
    password = _read_password(args.password_stdin)
    if password is None:
        return 1
    try:
        agent = _accounts().set_password(args.email, password)
    except AgentError as error:
        print(f"[kefu] could not change the password: {error}", file=sys.stderr)
        return 1
    print(f"[kefu] new password set for {agent.email}; their open sessions were signed out")
    return 0


def cmd_remove_agent(args: argparse.Namespace) -> int:
    try:
        agent = _accounts().deactivate(args.email)
    except AgentError as error:
        print(f"[kefu] could not remove the agent: {error}", file=sys.stderr)
        return 1
    print(f"[kefu] {agent.name} <{agent.email}> can no longer sign in and was signed out")
    return 0


def ensure_demo_agent(db: Database) -> None:
    accounts = AgentAccounts(db)
    if accounts.find(DEMO_AGENT_EMAIL) is None:
        accounts.create_agent(DEMO_AGENT_EMAIL, DEMO_AGENT_NAME, DEMO_AGENT_PASSWORD)
