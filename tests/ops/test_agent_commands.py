"""The admin's agent commands, run the way the README says (`./kefu create-agent`
is `python -m ops create-agent`), against a real database."""

import os
import subprocess
import sys

import pytest

from helpdesk.agents import AgentAccounts, LoginFailed
from helpdesk.config import PROJECT_ROOT
from helpdesk.db import Database
from tests.conftest import OPEN_HOURS


def kefu(db_url, *args, password=""):
    return subprocess.run(
        [sys.executable, "-m", "ops", *args],
        input=password + "\n",
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": db_url},
    )


def create_sam(db_url, name, password):
    return kefu(
        db_url,
        "create-agent",
        "--email",
        "sam@shop.example",
        "--name",
        name,
        "--password-stdin",
        password=password,
    )


def test_an_admin_creates_an_agent_who_can_then_sign_in(tmp_path):
    url = f"sqlite:///{tmp_path / 'kefu.db'}"
    created = create_sam(url, "Sam Lee", "a good password")
    assert created.returncode == 0 and "created agent Sam Lee" in created.stdout
    assert (
        AgentAccounts(Database(url))
        .sign_in("sam@shop.example", "a good password", OPEN_HOURS)
        .agent.name
        == "Sam Lee"
    )


def test_bad_agent_details_are_refused_with_the_reason(tmp_path):
    url = f"sqlite:///{tmp_path / 'kefu.db'}"
    short = create_sam(url, "Sam", "short")
    assert short.returncode == 1 and "at least 10 characters" in short.stderr
    unknown = kefu(url, "remove-agent", "--email", "nobody@shop.example")
    assert unknown.returncode == 1 and "no agent with the email" in unknown.stderr


def test_a_removed_agent_can_no_longer_sign_in(tmp_path):
    url = f"sqlite:///{tmp_path / 'kefu.db'}"
    create_sam(url, "Sam", "a good password")
    assert kefu(url, "remove-agent", "--email", "sam@shop.example").returncode == 0
    assert AgentAccounts(Database(url)).find("sam@shop.example") is not None
    changed = kefu(
        url,
        "agent-password",
        "--email",
        "sam@shop.example",
        "--password-stdin",
        password="another password",
    )
    assert changed.returncode == 0
    with pytest.raises(LoginFailed):  # a new password does not bring them back
        AgentAccounts(Database(url)).sign_in("sam@shop.example", "another password", OPEN_HOURS)
