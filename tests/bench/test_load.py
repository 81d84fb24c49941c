"""`./kefu bench load` (bench/load.py) runs end to end, briefly: one Rasa process
behind nginx on PostgreSQL, Redis and RabbitMQ, Locust as a process of its own
with a few customers for about ten seconds, every message found in its tracker
exactly once with an answer, and the table with the CPU of each process."""

import re

import pytest

from bench import load as load_bench

pytestmark = [pytest.mark.stack, pytest.mark.postgres]


def test_the_load_benchmark_prints_its_table_and_loses_or_duplicates_no_message(capsys):
    code = load_bench.main(
        [
            "--scales",
            "1",
            "--users",
            "3",
            "--seconds",
            "8",
            "--settle",
            "2",
            "--conversations",
            "40",
        ]
    )

    printed = capsys.readouterr().out
    assert code == 0, printed
    completed = re.search(r"conversations completed +(\d+) +[\d.]+ /s", printed)
    assert completed and int(completed.group(1)) > 0, printed
    assert re.search(r"reply latency +p50 \d+ ms +p95 \d+ ms +max \d+ ms", printed), printed
    checked = re.search(r"lost / duplicated +0 / 0 +\((\d+) messages checked", printed)
    assert checked and int(checked.group(1)) > 0, printed
    assert re.search(r"errors +0 of \d+ messages sent", printed), printed
    for process in ("rasa-1", "actions-1", "web-1", "nginx", "locust", "PostgreSQL"):
        assert re.search(rf"^ +{process} +[\d.]+ +\d+%", printed, re.MULTILINE), process
    assert "machine busy" in printed
