"""Limits on guessing, on a real SQLite file: free failures, then locks that double,
cleared by a success, and bursts that cannot race the count."""

import threading
from datetime import timedelta

import pytest

from helpdesk.attempts import AttemptLimiter, AttemptPolicy, TooManyAttempts
from tests.conftest import OPEN_HOURS

POLICY = {"email": AttemptPolicy(free_failures=3, first_delay=timedelta(minutes=1))}


def fail(limiter: AttemptLimiter, key: str, at=OPEN_HOURS) -> None:
    limiter.failed(limiter.begin({"email": key}, at))


def test_a_key_is_locked_after_its_free_failures_and_opens_after_the_delay(empty_db):
    limiter = AttemptLimiter(empty_db, POLICY)
    for _ in range(3):
        fail(limiter, "jo@example.com")
    with pytest.raises(TooManyAttempts) as locked:
        limiter.begin({"email": "jo@example.com"}, OPEN_HOURS + timedelta(seconds=30))
    assert locked.value.until == OPEN_HOURS + timedelta(minutes=1)
    limiter.begin({"email": "jo@example.com"}, OPEN_HOURS + timedelta(minutes=1))  # open again


def test_each_further_failure_doubles_the_lock(empty_db):
    limiter = AttemptLimiter(empty_db, POLICY)
    at = OPEN_HOURS
    for _ in range(3):
        fail(limiter, "jo@example.com", at)
    waits = []
    for _ in range(3):
        at += timedelta(hours=1)  # well after the lock, another failure
        fail(limiter, "jo@example.com", at)
        with pytest.raises(TooManyAttempts) as locked:
            limiter.begin({"email": "jo@example.com"}, at)
        waits.append(locked.value.until - at)
    assert waits == [timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=8)]


def test_tries_refused_while_locked_do_not_lengthen_the_lock(empty_db):
    limiter = AttemptLimiter(empty_db, POLICY)
    for _ in range(3):
        fail(limiter, "jo@example.com")
    for seconds in range(1, 40):
        with pytest.raises(TooManyAttempts) as locked:
            limiter.begin({"email": "jo@example.com"}, OPEN_HOURS + timedelta(seconds=seconds))
        assert locked.value.until == OPEN_HOURS + timedelta(minutes=1)


def test_a_success_clears_the_count(empty_db):
    limiter = AttemptLimiter(empty_db, POLICY)
    for _ in range(2):
        fail(limiter, "jo@example.com")
    limiter.succeeded(limiter.begin({"email": "jo@example.com"}, OPEN_HOURS))
    for _ in range(2):
        fail(limiter, "jo@example.com")
    limiter.begin({"email": "jo@example.com"}, OPEN_HOURS)  # only two since the success


def test_keys_are_counted_apart_and_stored_only_as_hashes(empty_db):
    limiter = AttemptLimiter(empty_db, POLICY)
    for _ in range(3):
        fail(limiter, "jo@example.com")
    limiter.begin({"email": "someone.else@example.com"}, OPEN_HOURS)
    with empty_db.engine.connect() as connection:
        stored = " ".join(str(row) for row in connection.exec_driver_sql("SELECT * FROM attempts"))
    assert "jo@example.com" not in stored


def test_a_burst_of_simultaneous_tries_gets_only_the_free_ones(empty_db):
    limiter = AttemptLimiter(empty_db, POLICY)
    judged, refused = [], []
    start = threading.Barrier(30)

    def guess() -> None:
        start.wait()
        try:
            ticket = limiter.begin({"email": "jo@example.com"}, OPEN_HOURS)
        except TooManyAttempts:
            refused.append(1)
            return
        judged.append(1)
        limiter.failed(ticket)

    threads = [threading.Thread(target=guess) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(judged) <= 3 and len(judged) + len(refused) == 30
