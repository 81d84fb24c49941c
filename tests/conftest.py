"""Fixtures shared by every test: a real SQLite database per test, with the demo
data imported through the same importer the admin uses."""

from __future__ import annotations

import asyncio
import io
import os
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Optional

import pytest
from sqlalchemy import create_engine, text

from helpdesk.agents import AgentAccounts
from helpdesk.company import CompanyFacts, load_company
from helpdesk.config import PROJECT_ROOT, Settings
from helpdesk.conversation_records import ConversationRecords, NewHandoff
from helpdesk.db import Database
from helpdesk.importer import IMPORT_ORDER, IMPORTERS
from helpdesk.sql_records import SqlCustomerRecords
from ops.always_open import always_open_knowledge_base

DEMO_DATA = PROJECT_ROOT / "demo_data"
# A Tuesday at 15:00 Eastern: support is open.
OPEN_HOURS = datetime(2026, 11, 24, 20, 0, tzinfo=timezone.utc)
# A Sunday: support is closed.
CLOSED_HOURS = datetime(2026, 11, 29, 15, 0, tzinfo=timezone.utc)
# The support agent every running stack has.
AGENT_EMAIL = "alex@brightwave.example"
AGENT_NAME = "Alex Rivera"
AGENT_PASSWORD = "correct horse battery"


def import_demo(db: Database) -> None:
    db.create_schema()
    for kind in IMPORT_ORDER:
        IMPORTERS[kind](db, DEMO_DATA / f"{kind}.csv")


# The PostgreSQL server the storage tests also run on (`./kefu test` runs them a
# second time with KEFU_TEST_DATABASE=postgresql; tests/helpdesk/test_postgres.py
# always does).
POSTGRES_SERVER = os.environ.get("KEFU_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@contextmanager
def postgres_schema() -> Iterator[Database]:
    """A Database on a throwaway schema of the PostgreSQL test database, dropped
    afterwards. pg_trgm (the search's indexes) is kept in `public`: created inside
    a throwaway schema, dropping that schema would drop it under every other test
    run's indexes."""
    schema = f"kefu_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_SERVER, future=True)
    try:
        with admin.begin() as connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # pragma: no cover - the machine always has it
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_SERVER}: {error}")
    db = Database(f"{POSTGRES_SERVER}?options=-csearch_path%3D{schema}")
    try:
        yield db
    finally:
        db.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def storage_on_postgres() -> bool:
    """Whether this run puts the storage tests' databases on PostgreSQL."""
    return os.environ.get("KEFU_TEST_DATABASE", "sqlite") == "postgresql"


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[Database]:
    if storage_on_postgres():
        with postgres_schema() as db:
            db.create_schema()
            yield db
        return
    db = Database(f"sqlite:///{tmp_path / 'kefu.db'}")
    db.create_schema()
    yield db
    db.dispose()


@pytest.fixture
def demo_db(empty_db: Database) -> Database:
    import_demo(empty_db)
    return empty_db


@pytest.fixture
def records(demo_db: Database) -> SqlCustomerRecords:
    return SqlCustomerRecords(demo_db)


@pytest.fixture
def conversations(demo_db: Database) -> ConversationRecords:
    return ConversationRecords(demo_db)


@pytest.fixture
def facts() -> CompanyFacts:
    return load_company(PROJECT_ROOT / "knowledge_base")


@pytest.fixture
def settings(demo_db: Database) -> Settings:
    return Settings(database_url=demo_db.url)


# --- the real servers ---------------------------------------------------------------


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The model for the current training data; trained once per test run, and not
    at all when one already matches (see ops/training.py)."""
    from ops.training import ensure_model

    return ensure_model()


@pytest.fixture(scope="session")
def stack(trained_model, tmp_path_factory):
    """Action server, Rasa server and web app as real processes on free ports, with
    their own SQLite databases holding the demo data."""
    with running_stack(trained_model, tmp_path_factory.mktemp("stack")) as running:
        yield running


@contextmanager
def running_stack(trained_model: Path, root: Path) -> Iterator:
    """A stack of the three servers of its own in `root` (tests that crash a
    server use one, so the shared `stack` is never disturbed)."""
    from ops.scratch_stack import demo_database

    db = demo_database(root / "kefu.db")
    AgentAccounts(db).create_agent(AGENT_EMAIL, AGENT_NAME, AGENT_PASSWORD)
    db.dispose()
    with stack_on(trained_model, root, db.url) as running:
        yield running


@contextmanager
def stack_on(trained_model: Path, root: Path, database_url: str, **settings: str) -> Iterator:
    """The three servers in demo mode on `database_url`, with `settings` (KEFU_...)
    added to their environment."""
    from ops.scratch_stack import scratch_config
    from ops.servers import Stack

    config = scratch_config(
        root,
        trained_model,
        database_url,
        demo_mode=True,
        extra_env={
            # Support is open around the clock, so a chat handed over at any hour of
            # the test run reaches the agents' queue.
            "KEFU_KNOWLEDGE_BASE": str(always_open_knowledge_base(root / "kb")),
            # As behind a proxy: a test can speak from an address of its own
            # (X-Forwarded-For), so limits per client in one test stay there.
            "SANIC_PROXIES_COUNT": "1",
            **settings,
        },
    )
    # What the admin's terminal would show, for tests/ops/test_servers.py.
    with Stack(config, echo=io.StringIO()) as running:
        yield running


@contextmanager
def scaled_stack_on(
    trained_model: Path,
    root: Path,
    scale: int = 2,
    stack_class: Optional[type] = None,
    **settings: str,
) -> Iterator:
    """`scale` processes of each server behind nginx (ops/scaled.py) on a fresh
    PostgreSQL database of this machine's, holding the demo data and the test
    agent, with Redis and RabbitMQ; the database is dropped afterwards
    (ops/scaled_scratch.py, which the load benchmark uses too)."""
    from ops.scaled_scratch import scratch_scaled_stack

    def add_agent(db: Database) -> None:
        AgentAccounts(db).create_agent(AGENT_EMAIL, AGENT_NAME, AGENT_PASSWORD)

    with scratch_scaled_stack(
        trained_model, root, scale=scale, stack_class=stack_class, prepare=add_agent, **settings
    ) as running:
        yield running


def run_async(coroutine):
    """Runs a coroutine to completion from synchronous test code, in a thread of its
    own: Playwright's sync API keeps an event loop running in the main thread once
    the browser tests have started, and asyncio.run() refuses to nest in it."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


# --- handed-off chats ---------------------------------------------------------------


def queue_chat(
    conversations: ConversationRecords,
    conversation_id: str = "chat-maya",
    customer_id: Optional[str] = "C1001",
    priority: int = 5,
    customer_text: str = "My TV arrived broken, I want a person",
) -> int:
    """A chat the bot handed over, as the escalation action records it; its id."""
    return conversations.create_handoff(
        NewHandoff(
            conversation_id=conversation_id,
            reason="customer_request",
            transcript=[
                {"role": "bot", "text": "Hi! How can I help?", "timestamp": 1.0, "buttons": []},
                {
                    "role": "customer",
                    "text": customer_text,
                    "timestamp": 2.0,
                    "intent": "request_human",
                    "confidence": 0.97,
                },
            ],
            collected={"order_id": "BW-104119", "ticket_description": "The TV screen is cracked"},
            customer_id=customer_id,
            identity_method="token" if customer_id else None,
            priority=priority,
            created_at=OPEN_HOURS,
        )
    ).id
