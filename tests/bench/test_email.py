"""`./kefu bench email` (bench/email.py) runs end to end with a handful of tickets:
the web app alone, a MailCatcher and Kefu's SMTP listener, every answer reaching
the mail server and every reply reaching the console's stream."""

import re

from bench import email as email_bench


def test_the_email_benchmark_times_every_message_both_ways_and_loses_none(capsys):
    assert email_bench.main(["--tickets", "3", "--burst", "2", "--pause", "0"]) == 0

    printed = capsys.readouterr().out
    figures = re.findall(r"p50 +[\d.]+ ms +p95 +[\d.]+ ms +max +[\d.]+ ms +\(n=(\d+)\)", printed)
    assert figures == ["3"] * 8, printed
    assert "LOST" not in printed and "(none arrived)" not in printed
    assert "6 of 6 tickets end with the customer's email" in printed
