"""Writing an import in short transactions: a large file arrives whole, other
writers (the bot) get the database between batches, and a database failure half-way
is reported honestly and finished by running the import again."""

import sqlite3
from typing import Callable, List

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from helpdesk.db import Database
from helpdesk.importer import ImportInterrupted, import_orders, import_tickets
from helpdesk.models import Order, Ticket
from helpdesk.records import NewTicket
from helpdesk.sql_records import SqlCustomerRecords
from tests.helpdesk.test_importer import new_order, orders_file, tickets_file

ROWS = 3000
DEMO_ORDERS = 93


def count_orders(db: Database) -> int:
    with db.session() as session:
        return session.execute(select(func.count()).select_from(Order)).scalar_one()


def chat_ticket(db: Database) -> int:
    """What the bot does when a customer reports a problem: it opens a ticket."""
    return (
        SqlCustomerRecords(db)
        .create_ticket(
            NewTicket(
                category="other",
                subject="Where is my parcel?",
                description="Not here yet",
                urgency="normal",
                priority=2,
                customer_id="C1002",
            )
        )
        .id
    )


@pytest.fixture
def after_each_commit():
    """Registers `hook(db)` to run right after every commit of `db`'s sessions (the
    importer's), when the import holds no lock; removed after the test."""
    registered: List[Callable] = []

    def register(db: Database, hook: Callable[[], None]) -> None:
        def listener(session: Session) -> None:
            if session.bind is db.engine:
                hook()

        event.listen(Session, "after_commit", listener)
        registered.append(listener)

    yield register
    for listener in registered:
        event.remove(Session, "after_commit", listener)


@pytest.fixture
def large_file(tmp_path):
    customers = [f"C{1001 + n % 36}" for n in range(ROWS)]
    rows = [new_order(f"BW-{200000 + n}", customer) for n, customer in enumerate(customers)]
    return orders_file(tmp_path, rows, name="large-orders.csv")


def test_a_large_file_is_written_completely_in_several_short_transactions(
    demo_db, large_file, after_each_commit
):
    commits: List[int] = []
    after_each_commit(demo_db, lambda: commits.append(1))
    report = import_orders(demo_db, large_file)
    assert (report.inserted, report.updated, report.unchanged) == (ROWS, 0, 0)
    assert count_orders(demo_db) == DEMO_ORDERS + ROWS
    assert len(commits) >= ROWS // 500


def test_another_connection_can_write_between_the_batches_of_an_import(
    demo_db, large_file, after_each_commit
):
    # The bot's own connection, with a wait far shorter than one whole import.
    bot = Database(demo_db.url, timeout_seconds=0.5)
    seen_mid_import: List[int] = []

    def bot_writes() -> None:
        ticket = chat_ticket(bot)
        visible = count_orders(bot)
        if DEMO_ORDERS < visible < DEMO_ORDERS + ROWS:
            seen_mid_import.append(ticket)

    after_each_commit(demo_db, bot_writes)
    try:
        import_orders(demo_db, large_file)
    finally:
        bot.dispose()
    assert seen_mid_import, "the bot never wrote while the import was under way"
    with demo_db.session() as session:
        assert all(session.get(Ticket, ticket).source == "chat" for ticket in seen_mid_import)


def test_a_database_failure_part_way_says_how_much_was_written_and_a_rerun_finishes(
    demo_db, large_file, after_each_commit
):
    importer_db = Database(demo_db.url, timeout_seconds=0.2)
    locker = sqlite3.connect(make_url(demo_db.url).database, isolation_level=None)
    armed = [True]

    def take_the_lock_after_two_batches() -> None:
        if armed[0] and count_orders(demo_db) >= DEMO_ORDERS + 1000:
            armed[0] = False
            locker.execute("BEGIN IMMEDIATE")  # another writer that does not let go

    after_each_commit(importer_db, take_the_lock_after_two_batches)
    try:
        with pytest.raises(ImportInterrupted) as interrupted:
            import_orders(importer_db, large_file)
    finally:
        if locker.in_transaction:
            locker.execute("ROLLBACK")
        locker.close()
    message = str(interrupted.value)
    assert f"stopped after 1000 of {ROWS} rows were written (1000 added" in message
    assert "database is locked" in message and "run the same import again" in message
    assert count_orders(demo_db) == DEMO_ORDERS + 1000

    finished = import_orders(importer_db, large_file)
    importer_db.dispose()
    assert (finished.inserted, finished.unchanged) == (ROWS - 1000, 1000)
    assert count_orders(demo_db) == DEMO_ORDERS + ROWS


def test_a_ticket_the_bot_opens_after_the_file_was_checked_is_not_overwritten(
    records, demo_db, tmp_path, after_each_commit
):
    next_number = 14  # the demo tickets are T-00001 to T-00013
    path = tickets_file(tmp_path, next_number)
    opened: List[int] = []

    def bot_opens_a_ticket_once() -> None:
        if not opened:
            opened.append(0)  # the bot's own commit comes back here
            opened[0] = chat_ticket(demo_db)

    after_each_commit(demo_db, bot_opens_a_ticket_once)  # the first commit ends the checks
    with pytest.raises(ImportInterrupted, match="line 2 changed during the import: T-00014"):
        import_tickets(demo_db, path)
    assert opened == [next_number]
    assert records.get_ticket(next_number).subject == "Where is my parcel?"
