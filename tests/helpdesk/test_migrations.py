"""The helpdesk schema's Alembic migrations, on SQLite and on PostgreSQL: a new
database is migrated to head and matches the models; a database made by Kefu
before Alembic (2026-12-01) upgrades in place with its rows; an even older one
gets what it lacks; processes starting together migrate once; the command line
works."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import List

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

import helpdesk.email.models  # noqa: F401  (the email tables share Base)
import helpdesk.leases  # noqa: F401  (so does the leases table)
from helpdesk.config import PROJECT_ROOT
from helpdesk.db import Database
from helpdesk.migrations.compare import include_object
from helpdesk.migrations.upgrade import current_revision, head_revision
from helpdesk.models import Base
from tests.helpdesk.test_postgres import pg_db  # noqa: F401  (a fixture)

FIXTURES = Path(__file__).parent / "fixtures"
SQLITE_2026_12_01 = FIXTURES / "helpdesk_2026_12_01.sql"
POSTGRES_2026_12_01 = FIXTURES / "helpdesk_2026_12_01_postgres.sql"
FIXTURE_SCHEMA = "kefu_legacy_2026_12_01"


def schema_differences(db: Database) -> List[object]:
    """What autogenerate would change to make the database match the models."""
    with db.engine.connect() as connection, warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection")  # search's
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True}
        )
        return compare_metadata(context, Base.metadata)


def count(db: Database, sql: str) -> int:
    with db.engine.connect() as connection:
        return connection.execute(text(sql)).scalar_one()


def pg_schema_of(db: Database) -> str:
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT current_schema()")).scalar_one()


def load_sqlite_2026_12_01(path: Path) -> Database:
    connection = sqlite3.connect(path)
    connection.executescript(SQLITE_2026_12_01.read_text())
    connection.close()
    return Database(f"sqlite:///{path}")


def load_postgres_2026_12_01(db: Database) -> Database:
    """Today's PostgreSQL dump, restored into `db`'s throwaway schema. pg_trgm can
    live in one schema per database: the dump's index uses wherever it is."""
    schema = pg_schema_of(db)
    with db.engine.begin() as connection:
        found = connection.execute(
            text(
                "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
            )
        ).scalar_one_or_none()
    trgm_schema = found or schema
    script = (
        POSTGRES_2026_12_01.read_text()
        .replace(f"{FIXTURE_SCHEMA}.gin_trgm_ops", f"{trgm_schema}.gin_trgm_ops")
        .replace(FIXTURE_SCHEMA, schema)
    )
    raw = db.engine.raw_connection()
    try:
        raw.cursor().execute(script)
        raw.cursor().execute("RESET ALL")  # the dump's SETs (search_path...) stay behind
        raw.commit()
    finally:
        raw.close()
    return db


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def blank_db(request, tmp_path):
    """An empty database of each kind."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'kefu.db'}")
        yield db
        db.dispose()
    else:
        yield request.getfixturevalue("pg_db")


@pytest.fixture
def db_of_2026_12_01(blank_db, tmp_path):
    """A database as Kefu made it on 2026-12-01, rows and all."""
    if blank_db.engine.dialect.name == "sqlite":
        db = load_sqlite_2026_12_01(tmp_path / "old.db")
        yield db
        db.dispose()
    else:
        yield load_postgres_2026_12_01(blank_db)


def test_a_new_database_is_migrated_to_head_and_matches_the_models(blank_db):
    blank_db.create_schema()
    assert current_revision(blank_db.engine) == head_revision()
    assert schema_differences(blank_db) == []
    assert count(blank_db, "SELECT count(*) FROM canned_replies") > 0  # seeded once, new table
    blank_db.create_schema()  # again: nothing to do
    assert count(blank_db, "SELECT count(*) FROM alembic_version") == 1


def test_the_fixture_of_2026_12_01_has_no_record_of_migrations(db_of_2026_12_01):
    """What the upgrade tests start from: Kefu's tables, no alembic_version."""
    tables = set(inspect(db_of_2026_12_01.engine).get_table_names())
    assert {"handoffs", "tickets", "email_messages"} <= tables
    assert "alembic_version" not in tables


def test_a_database_of_2026_12_01_upgrades_in_place_keeping_its_rows(db_of_2026_12_01):
    from helpdesk.company import load_company
    from helpdesk.handoffs.desk import HandoffDesk
    from helpdesk.search import Search
    from helpdesk.sql_records import SqlCustomerRecords

    db = db_of_2026_12_01
    canned_before = count(db, "SELECT count(*) FROM canned_replies")
    db.create_schema()
    assert current_revision(db.engine) == head_revision()
    assert schema_differences(db) == []
    assert count(db, "SELECT count(*) FROM customers") == 2
    assert count(db, "SELECT count(*) FROM orders") == 3
    assert count(db, "SELECT count(*) FROM handoff_events") == 7
    assert count(db, "SELECT count(*) FROM ticket_comments") == 2
    # The table existed: the admin's canned replies are kept, not seeded again.
    assert count(db, "SELECT count(*) FROM canned_replies") == canned_before
    records = SqlCustomerRecords(db)
    [ticket] = records.list_tickets("C1001")
    assert [c.body for c in ticket.comments if not c.internal] == ["A replacement is on its way."]
    desk = HandoffDesk(db, records, load_company(PROJECT_ROOT / "knowledge_base"))
    assert sorted((e.conversation_id, e.status) for e in desk.queue()) == [
        ("chat-daniel", "waiting"),
        ("chat-maya", "active"),
    ]
    # The old search index still finds old rows, and indexes new ones.
    search = Search(db)
    assert [h.title for h in search.find("cracked") if h.kind == "ticket"] == ["TV arrived cracked"]
    records.add_ticket_comment(ticket.id, "customer", "Maya", "The courier lost the box")
    assert [h.kind for h in search.find("courier lost")] == ["ticket"]


def test_an_older_database_gets_the_tables_and_columns_added_since(db_of_2026_12_01):
    """Before email, canned replies and the customer's contact address: the
    legacy top-up adds them, then the database is stamped and upgraded."""
    db = db_of_2026_12_01
    with db.engine.begin() as connection:
        for table in ("email_attachments", "email_messages", "email_threads", "canned_replies"):
            connection.execute(text(f"DROP TABLE {table}"))
        connection.execute(text("ALTER TABLE handoffs DROP COLUMN contact_email"))
        connection.execute(text("DROP INDEX ix_handoffs_customer_typing_at"))
        connection.execute(text("ALTER TABLE handoffs DROP COLUMN customer_typing_at"))
    db.create_schema()
    columns = {c["name"] for c in inspect(db.engine).get_columns("handoffs")}
    assert {"contact_email", "customer_typing_at"} <= columns
    assert "ix_handoffs_customer_typing_at" in {
        i["name"] for i in inspect(db.engine).get_indexes("handoffs")
    }
    assert count(db, "SELECT count(*) FROM canned_replies") > 0  # a new table: seeded
    assert count(db, "SELECT count(*) FROM handoffs") == 2
    assert schema_differences(db) == []


# A process that opens the database once everything is imported and the test says go.
STARTER = """
import sys, time
from pathlib import Path
from helpdesk.db import Database
url, ready, go = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
ready.touch()
while not go.exists():
    time.sleep(0.005)
Database(url).create_schema()
"""


def test_two_processes_creating_the_schema_at_once_both_succeed_and_migrate_once(
    blank_db, tmp_path
):
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{n}" for n in range(2)]
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", STARTER, blank_db.url, str(flag), str(go)],
            cwd=PROJECT_ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for flag in ready
    ]
    deadline = time.monotonic() + 60
    while not all(flag.exists() for flag in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    errors = [worker.communicate(timeout=120)[1] for worker in workers]
    assert [w.returncode for w in workers] == [0, 0], errors
    assert count(blank_db, "SELECT count(*) FROM alembic_version") == 1
    assert current_revision(blank_db.engine) == head_revision()
    shortcuts = count(blank_db, "SELECT count(DISTINCT language || shortcut) FROM canned_replies")
    assert count(blank_db, "SELECT count(*) FROM canned_replies") == shortcuts > 0
    assert schema_differences(blank_db) == []


def alembic_command(*args: str, database_url: str, cwd: Path = PROJECT_ROOT):
    environment = {**os.environ, "DATABASE_URL": database_url}
    alembic = Path(sys.executable).with_name("alembic")
    return subprocess.run(
        [str(alembic), "-c", str(PROJECT_ROOT / "alembic.ini"), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_alembic_upgrade_head_from_the_command_line_uses_database_url(blank_db, tmp_path):
    done = alembic_command("upgrade", "head", database_url=blank_db.url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert current_revision(blank_db.engine) == head_revision()
    assert schema_differences(blank_db) == []
    blank_db.create_schema()  # Kefu then adds only its data and the search index
    checked = alembic_command("check", database_url=blank_db.url)
    assert checked.returncode == 0, checked.stderr  # autogenerate sees nothing to do
    assert "No new upgrade operations detected" in checked.stdout + checked.stderr


def test_alembic_refuses_a_database_from_before_alembic_and_says_what_to_do(db_of_2026_12_01):
    done = alembic_command("upgrade", "head", database_url=db_of_2026_12_01.url)
    assert done.returncode != 0
    assert "made before Kefu used Alembic" in done.stderr
    assert "alembic_version" not in inspect(db_of_2026_12_01.engine).get_table_names()


def test_the_postgresql_fixture_is_the_sqlite_fixture_s_database(tmp_path, pg_db):  # noqa: F811
    """Both fixtures hold the same rows (made by the same calls on each database)."""
    old_sqlite = load_sqlite_2026_12_01(tmp_path / "old.db")
    old_pg = load_postgres_2026_12_01(pg_db)
    for table in ("customers", "orders", "handoffs", "handoff_events", "tickets", "agents"):
        sql = f"SELECT count(*) FROM {table}"
        assert count(old_sqlite, sql) == count(old_pg, sql) > 0, table
    old_sqlite.dispose()
