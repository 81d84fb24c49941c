"""`./kefu bench load` (bench/load.py) runs end to end, briefly: one Rasa process
behind nginx on PostgreSQL, Redis and RabbitMQ, Locust as a process of its own
with a few customers until a dozen conversations are done (the count bound ends
the run long before its 30 s), every message found in its tracker exactly once
with an answer, and the table with the CPU of each process."""

import re

import pytest

from bench import load as load_bench

pytestmark = [pytest.mark.stack, pytest.mark.postgres]


def test_the_load_benchmark_stops_at_its_count_and_loses_or_duplicates_no_message(capsys):
    arguments = "--scales 1 --users 3 --seconds 30 --settle 2 --conversations 12"
    code = load_bench.main(arguments.split())

    printed = capsys.readouterr().out
    assert code == 0, printed
    completed = re.search(r"conversations completed +(\d+) +[\d.]+ /s", printed)
    assert completed and int(completed.group(1)) > 0, printed
    assert re.search(r"reply latency +p50 \d+ ms +p95 \d+ ms +max \d+ ms", printed), printed
    # 12 conversations of 9 messages, and not one more: the count bound held.
    assert re.search(
        r"lost / duplicated +0 / 0 +\(108 messages checked in 12 trackers\)", printed
    ), printed
    window = re.search(r"; window ([\d.]+) s", printed)
    assert window and float(window.group(1)) < 25, printed
    assert re.search(r"errors +0 of \d+ messages sent", printed), printed
    for process in ("rasa-1", "actions-1", "web-1", "nginx", "locust", "PostgreSQL"):
        assert re.search(rf"^ +{process} +[\d.]+ +\d+%", printed, re.MULTILINE), process
    assert "machine busy" in printed
