"""The read that all of a process's console streams share (webapp/stream_feed.py
`SharedRead`), with a real blocking function in a worker thread."""

import asyncio
import threading
import time

import pytest

from helpdesk.records import RecordsUnavailable
from tests.conftest import run_async
from webapp.stream_feed import SharedRead


class SlowCount:
    """A blocking read that takes a while and counts how often it ran."""

    def __init__(self) -> None:
        self.calls = 0
        self.lock = threading.Lock()
        self.fail = False

    def __call__(self) -> int:
        time.sleep(0.05)
        if self.fail:
            raise RecordsUnavailable("down")
        with self.lock:
            self.calls += 1
            return self.calls


def test_streams_asking_at_once_share_one_read_and_the_next_period_reads_again():
    read = SlowCount()
    shared = SharedRead(read, every_seconds=1.0)

    async def many_streams():
        first = await asyncio.gather(*(shared.value(10.0) for _ in range(20)))
        later_in_period = await shared.value(10.9)
        next_period = await shared.value(11.0)
        return first, later_in_period, next_period

    first, later_in_period, next_period = run_async(many_streams())
    assert first == [1] * 20 and later_in_period == 1 and next_period == 2
    assert read.calls == shared.reads == 2


def test_a_failed_read_is_told_to_its_callers_and_tried_again_by_the_next():
    read = SlowCount()
    shared = SharedRead(read, every_seconds=1.0)
    read.fail = True
    with pytest.raises(RecordsUnavailable):
        run_async(shared.value(5.0))
    read.fail = False
    assert run_async(shared.value(5.1)) == 1  # within the period, but nothing was read


def test_the_live_feed_figures_are_for_signed_in_agents_only(app, alex):
    from fastapi.testclient import TestClient

    stranger = TestClient(app)
    assert stranger.get("/api/events/feed").status_code == 401
    forged = TestClient(app, cookies={"kefu_agent_session": "not-a-session"})
    assert forged.get("/api/events/feed").status_code == 401
    figures = alex.get("/api/events/feed")
    assert figures.status_code == 200 and "mode" in figures.json()
