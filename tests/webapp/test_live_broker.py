"""What a desk notice read off RabbitMQ tells the live feed (webapp/live_broker.py):
the tables its commit wrote, or, for anything malformed, "not known", so the feeds
read everything rather than miss a change."""

import json

import pytest

from webapp.live_broker import announced_tables


def test_a_notice_names_the_tables_its_commit_wrote():
    body = json.dumps({"origin": "actions-1", "tables": ["handoffs", "ticket_events"]})
    assert announced_tables(body.encode()) == frozenset({"handoffs", "ticket_events"})


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\xff\xfe not json",
        b"[1, 2]",
        b'{"origin": "rasa-1"}',
        b'{"tables": "ticket_events"}',
        b'{"tables": [1, null]}',
        json.dumps({"tables": ["x" * 10]}).encode()[:-3],
    ],
)
def test_a_malformed_notice_means_every_table_may_have_changed(body):
    assert announced_tables(body) is None
