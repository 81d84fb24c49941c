"""Agent accounts against a real database: hashed passwords, sign-in, lockout and
expiring sessions."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from helpdesk import agents
from helpdesk.agents import (
    LOCKOUT,
    MAX_FAILED_LOGINS,
    MAX_FAILED_LOGINS_PER_CLIENT,
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
WRONG = "wrong password!"
# Documentation addresses (RFC 5737): a stranger's, and the agent's office.
STRANGER, OFFICE = "203.0.113.66", "198.51.100.7"


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


# --- guessing ------------------------------------------------------------------------


@pytest.fixture
def scrypt_checks(monkeypatch):
    """Every password check sign_in runs (real or against the dummy hash)."""
    checks = []
    real = agents.verify_password

    def counting(password, stored):
        checks.append(stored)
        return real(password, stored)

    monkeypatch.setattr(agents, "verify_password", counting)
    return checks


def outcome(accounts, email, password, now, client=None):
    """How one sign-in ends; without `client`, as a tool on this machine signs in."""
    try:
        accounts.sign_in(email, password, now, **({"client": client} if client else {}))
    except LoginFailed:
        return "failed"
    except LoginLocked as locked:
        return ("locked", locked.until)
    return "signed in"


def test_forty_simultaneous_wrong_passwords_check_at_most_five(accounts, alex, scrypt_checks):
    tries = 40
    start = threading.Barrier(tries)

    def one_try(_):
        start.wait()  # all forty at once
        return outcome(accounts, alex.email, WRONG, OPEN_HOURS)

    with ThreadPoolExecutor(max_workers=tries) as pool:
        outcomes = list(pool.map(one_try, range(tries)))
    assert 1 <= len(scrypt_checks) <= MAX_FAILED_LOGINS
    assert outcomes.count("failed") == len(scrypt_checks)
    # The rest were refused unchecked. (While a try is still being judged it counts
    # as a failure, so in the thick of the burst some were told to wait longer.)
    refused = [answer for answer in outcomes if answer != "failed"]
    assert len(refused) == tries - len(scrypt_checks)
    assert all(answer[0] == "locked" for answer in refused)
    # Once it is over, the refused tries do not count: a quarter of an hour.
    assert outcome(accounts, alex.email, PASSWORD, OPEN_HOURS) == ("locked", OPEN_HOURS + LOCKOUT)


def test_an_unknown_email_gets_the_same_answers_after_the_same_work_as_an_agents(
    accounts, alex, scrypt_checks
):
    def seven_wrong(email):
        before = len(scrypt_checks)
        answers = [outcome(accounts, email, WRONG, OPEN_HOURS) for _ in range(7)]
        return answers, len(scrypt_checks) - before

    known = seven_wrong(alex.email)
    unknown = seven_wrong("nobody@brightwave.example")
    assert known == unknown
    assert known == (["failed"] * 5 + [("locked", OPEN_HOURS + LOCKOUT)] * 2, 5)


def test_a_lock_on_one_address_does_not_stop_the_agent_signing_in_from_another(accounts, alex):
    for _ in range(MAX_FAILED_LOGINS):
        assert outcome(accounts, alex.email, WRONG, OPEN_HOURS, STRANGER) == "failed"
    assert outcome(accounts, alex.email, PASSWORD, OPEN_HOURS, STRANGER)[0] == "locked"
    assert outcome(accounts, alex.email, PASSWORD, OPEN_HOURS, OFFICE) == "signed in"


def test_the_right_password_from_a_locked_address_is_refused_until_the_lock_expires(
    accounts, alex
):
    for _ in range(MAX_FAILED_LOGINS):
        outcome(accounts, alex.email, WRONG, OPEN_HOURS, OFFICE)
    until = OPEN_HOURS + LOCKOUT
    almost = until - timedelta(seconds=1)
    assert outcome(accounts, alex.email, PASSWORD, almost, OFFICE) == ("locked", until)
    assert outcome(accounts, alex.email, PASSWORD, until, OFFICE) == "signed in"


def test_each_failure_after_a_lock_doubles_the_wait(accounts, alex):
    for _ in range(MAX_FAILED_LOGINS):
        outcome(accounts, alex.email, WRONG, OPEN_HOURS, OFFICE)
    later = OPEN_HOURS + LOCKOUT
    assert outcome(accounts, alex.email, WRONG, later, OFFICE) == "failed"
    assert outcome(accounts, alex.email, PASSWORD, later, OFFICE) == ("locked", later + 2 * LOCKOUT)


def test_one_address_trying_many_emails_is_stopped_after_twenty_failures(accounts, alex):
    for number in range(MAX_FAILED_LOGINS_PER_CLIENT):
        email = f"guess{number}@brightwave.example"
        assert outcome(accounts, email, WRONG, OPEN_HOURS, STRANGER) == "failed"
    assert outcome(accounts, alex.email, PASSWORD, OPEN_HOURS, STRANGER)[0] == "locked"
    assert outcome(accounts, alex.email, PASSWORD, OPEN_HOURS, OFFICE) == "signed in"
    later = OPEN_HOURS + LOCKOUT  # this limit does not grow
    assert outcome(accounts, alex.email, PASSWORD, later, STRANGER) == "signed in"


def test_a_new_password_from_the_admin_lifts_the_lock(accounts, alex):
    for _ in range(MAX_FAILED_LOGINS):
        outcome(accounts, alex.email, WRONG, OPEN_HOURS, OFFICE)
    accounts.set_password(alex.email, "a brand new password")
    assert outcome(accounts, alex.email, "a brand new password", OPEN_HOURS, OFFICE) == "signed in"
