"""Named leases (helpdesk/leases.py) on SQLite and PostgreSQL: one holder at a
time, renewed by its holder, taken over once run out, given up on release."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest

from helpdesk.db import Database
from helpdesk.leases import Leases
from tests.helpdesk.test_postgres import pg_db  # noqa: F401  (a fixture)

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
TTL = timedelta(seconds=30)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request, tmp_path):
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'kefu.db'}")
        database.create_schema()
        yield database
        database.dispose()
    else:
        database = request.getfixturevalue("pg_db")
        database.create_schema()
        yield database


def test_only_one_of_two_holders_gets_the_lease(db):
    leases = Leases(db)
    assert leases.hold("sweeper", "web-1", TTL, NOW)
    assert not leases.hold("sweeper", "web-2", TTL, NOW + timedelta(seconds=1))
    assert leases.holder_of("sweeper", NOW + timedelta(seconds=1)) == "web-1"


def test_two_holders_racing_for_a_new_lease_get_it_once(db):
    """Both find no row and insert: the primary key lets one through."""
    leases = Leases(db)
    for round_number in range(5):
        name = f"race-{round_number}"
        with ThreadPoolExecutor(max_workers=2) as pool:
            got = list(pool.map(leases.hold, [name] * 2, ["a", "b"], [TTL] * 2, [NOW] * 2))
        assert sorted(got) == [False, True], name


def test_the_holder_renews_its_lease_and_keeps_it_past_the_first_expiry(db):
    leases = Leases(db)
    assert leases.hold("sweeper", "web-1", TTL, NOW)
    renewed_at = NOW + timedelta(seconds=20)
    assert leases.hold("sweeper", "web-1", TTL, renewed_at)
    # Past the first lease's end, but not the renewed one's.
    assert not leases.hold("sweeper", "web-2", TTL, NOW + timedelta(seconds=40))
    assert leases.holder_of("sweeper", NOW + timedelta(seconds=40)) == "web-1"


def test_another_holder_takes_over_once_the_lease_has_run_out(db):
    leases = Leases(db)
    assert leases.hold("sweeper", "web-1", TTL, NOW)
    later = NOW + TTL + timedelta(seconds=1)
    assert leases.hold("sweeper", "web-2", TTL, later)
    assert not leases.hold("sweeper", "web-1", TTL, later)  # the old holder lost it
    assert leases.holder_of("sweeper", later) == "web-2"


def test_a_released_lease_goes_to_the_next_holder_at_once(db):
    leases = Leases(db)
    assert leases.hold("sweeper", "web-1", TTL, NOW)
    leases.release("sweeper", "web-2")  # not its holder: nothing happens
    assert not leases.hold("sweeper", "web-2", TTL, NOW)
    leases.release("sweeper", "web-1")
    assert leases.holder_of("sweeper", NOW) is None
    assert leases.hold("sweeper", "web-2", TTL, NOW)


def test_leases_of_different_names_are_independent(db):
    leases = Leases(db)
    assert leases.hold("sweeper", "web-1", TTL, NOW)
    assert leases.hold("reports", "web-2", TTL, NOW)
