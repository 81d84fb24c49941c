"""Agent accounts against a real database: hashed passwords, sign-in, lockout and
expiring sessions."""

from datetime import timedelta

import pytest

from helpdesk.agents import (
    MAX_FAILED_LOGINS,
    AgentAccounts,
    AgentError,
    LoginFailed,
    LoginLocked,
    hash_password,
    verify_password,
)
from helpdesk.models import Agent
from tests.conftest import OPEN_HOURS

PASSWORD = "a long enough password"


@pytest.fixture
def accounts(demo_db):
    return AgentAccounts(demo_db, session_hours=8)


@pytest.fixture
def alex(accounts):
    return accounts.create_agent("Alex@Brightwave.example", "  Alex   Rivera ", PASSWORD)


def test_passwords_are_stored_as_salted_scrypt_hashes_never_as_text(accounts, alex, demo_db):
    with demo_db.session() as session:
        stored = session.get(Agent, alex.id).password_hash
    assert PASSWORD not in stored and stored.startswith("scrypt$")
    assert hash_password(PASSWORD) != hash_password(PASSWORD)  # a new salt each time
    assert verify_password(PASSWORD, stored)
    assert not verify_password("a long enough passwore", stored)
    assert not verify_password(PASSWORD, "garbage")


def test_a_new_agent_gets_a_normalised_email_and_name(alex):
    assert (alex.email, alex.name) == ("alex@brightwave.example", "Alex Rivera")


@pytest.mark.parametrize(
    "email, name, password, problem",
    [
        ("not-an-email", "Sam", PASSWORD, "not an email"),
        ("sam@x.example and more", "Sam", PASSWORD, "not an email"),
        ("sam@x.example", "   ", PASSWORD, "needs a name"),
        ("sam@x.example", "Sam", "short", "at least 10"),
    ],
)
def test_creating_an_agent_refuses_bad_details(accounts, email, name, password, problem):
    with pytest.raises(AgentError, match=problem):
        accounts.create_agent(email, name, password)


def test_two_agents_cannot_share_an_email(accounts, alex):
    with pytest.raises(AgentError, match="already"):
        accounts.create_agent("ALEX@brightwave.example", "Other Alex", PASSWORD)


def test_signing_in_gives_a_session_that_works_until_it_expires(accounts, alex):
    signed_in = accounts.sign_in("alex@brightwave.example", PASSWORD, OPEN_HOURS)
    assert signed_in.expires_at == OPEN_HOURS + timedelta(hours=8)
    assert accounts.agent_for_token(signed_in.token, OPEN_HOURS + timedelta(hours=7)) == alex
    assert accounts.agent_for_token(signed_in.token, OPEN_HOURS + timedelta(hours=8)) is None


def test_a_wrong_password_and_an_unknown_email_fail_the_same_way(accounts, alex):
    with pytest.raises(LoginFailed):
        accounts.sign_in(alex.email, "wrong password!", OPEN_HOURS)
    with pytest.raises(LoginFailed):
        accounts.sign_in("nobody@brightwave.example", PASSWORD, OPEN_HOURS)


def test_too_many_wrong_passwords_lock_the_account_for_a_while(accounts, alex):
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(LoginFailed):
            accounts.sign_in(alex.email, "wrong password!", OPEN_HOURS)
    with pytest.raises(LoginLocked):
        accounts.sign_in(alex.email, PASSWORD, OPEN_HOURS + timedelta(minutes=1))
    later = OPEN_HOURS + timedelta(minutes=16)
    assert accounts.sign_in(alex.email, PASSWORD, later).agent == alex


def test_signing_out_ends_the_session(accounts, alex):
    signed_in = accounts.sign_in(alex.email, PASSWORD, OPEN_HOURS)
    accounts.sign_out(signed_in.token)
    assert accounts.agent_for_token(signed_in.token, OPEN_HOURS) is None


def test_a_new_password_signs_the_agent_out_everywhere(accounts, alex):
    signed_in = accounts.sign_in(alex.email, PASSWORD, OPEN_HOURS)
    accounts.set_password(alex.email, "a brand new password")
    assert accounts.agent_for_token(signed_in.token, OPEN_HOURS) is None
    with pytest.raises(LoginFailed):
        accounts.sign_in(alex.email, PASSWORD, OPEN_HOURS)


@pytest.mark.parametrize("token", ["", "x" * 500, "not-a-token", "' OR 1=1 --"])
def test_malformed_tokens_are_not_sessions(accounts, alex, token):
    assert accounts.agent_for_token(token, OPEN_HOURS) is None


def test_a_removed_agent_is_signed_out_and_cannot_sign_in_again(accounts, alex):
    signed_in = accounts.sign_in(alex.email, PASSWORD, OPEN_HOURS)
    accounts.deactivate(alex.email)
    assert accounts.agent_for_token(signed_in.token, OPEN_HOURS) is None
    with pytest.raises(LoginFailed):
        accounts.sign_in(alex.email, PASSWORD, OPEN_HOURS)
