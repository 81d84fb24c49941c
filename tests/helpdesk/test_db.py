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


# The handoffs table as Kefu made it before conversations had a language.
HANDOFFS_BEFORE_LANGUAGE = """CREATE TABLE handoffs (
    id INTEGER NOT NULL, conversation_id VARCHAR(128) NOT NULL, customer_id VARCHAR(32),
    identity_method VARCHAR(16), reason VARCHAR(32) NOT NULL, reason_detail TEXT,
    status VARCHAR(16) NOT NULL, priority INTEGER NOT NULL, sentiment FLOAT NOT NULL,
    transcript JSON NOT NULL, collected JSON NOT NULL, ticket_id INTEGER,
    created_at DATETIME NOT NULL, claimed_at DATETIME, closed_at DATETIME, agent_id INTEGER,
    customer_left_at DATETIME, PRIMARY KEY (id))"""


def test_a_database_from_before_languages_keeps_its_chats_which_speak_the_default_language(
    tmp_path,
):
    from helpdesk.company import load_company
    from helpdesk.config import PROJECT_ROOT
    from helpdesk.conversation_records import ConversationRecords, NewHandoff
    from helpdesk.handoffs.desk import HandoffDesk
    from helpdesk.sql_records import SqlCustomerRecords

    db = Database(f"sqlite:///{tmp_path / 'kefu.db'}")
    with db.engine.begin() as connection:
        connection.execute(text(HANDOFFS_BEFORE_LANGUAGE))
        connection.execute(
            text(
                "INSERT INTO handoffs VALUES (1, 'old-chat', NULL, NULL, 'customer_request', "
                "'The customer asked for a person', 'waiting', 0, 0.0, '[]', '{}', NULL, "
                "'2026-11-24 10:00:00', NULL, NULL, NULL, NULL)"
            )
        )
    db.create_schema()  # what every ./kefu command that opens the database does first
    assert "language" in {c["name"] for c in inspect(db.engine).get_columns("handoffs")}
    desk = HandoffDesk(db, SqlCustomerRecords(db), load_company(PROJECT_ROOT / "knowledge_base"))
    [old] = desk.queue()
    assert (old.conversation_id, old.language) == ("old-chat", "en")
    ConversationRecords(db).create_handoff(
        NewHandoff("new-chat", "customer_request", [], {}, language="zh")
    )
    assert [e.language for e in desk.queue()] == ["en", "zh"]
    db.create_schema()  # again: nothing to add
