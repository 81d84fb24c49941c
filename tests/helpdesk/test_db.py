"""Upgrading a database made by an older Kefu: new columns are added in place."""

from sqlalchemy import inspect, text

from helpdesk.db import Database


def test_an_older_database_gets_the_new_columns_and_keeps_its_rows(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    with db.engine.begin() as connection:
        # The handoffs table as the first release created it (no agent columns).
        connection.execute(
            text(
                "CREATE TABLE handoffs (id INTEGER PRIMARY KEY, conversation_id VARCHAR(128) NOT NULL, "
                "customer_id VARCHAR(32), identity_method VARCHAR(16), reason VARCHAR(32) NOT NULL, "
                "reason_detail TEXT, status VARCHAR(16) NOT NULL, priority INTEGER NOT NULL, "
                "sentiment FLOAT NOT NULL, transcript JSON NOT NULL, collected JSON NOT NULL, "
                "ticket_id INTEGER, created_at DATETIME NOT NULL, claimed_at DATETIME, closed_at DATETIME)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO handoffs VALUES (1, 'c1', NULL, NULL, 'customer_request', NULL, 'waiting', "
                "0, 0.0, '[]', '{}', NULL, '2026-11-24 10:00:00', NULL, NULL)"
            )
        )
    db.create_schema()
    columns = {c["name"] for c in inspect(db.engine).get_columns("handoffs")}
    assert {"agent_id", "customer_left_at"} <= columns
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT conversation_id FROM handoffs")).scalar_one() == "c1"
