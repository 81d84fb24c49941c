"""The same models and importer on the PostgreSQL server (127.0.0.1:5432), in a
throwaway schema, so `DATABASE_URL=postgresql://...` is known to work."""

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from helpdesk.db import Database
from helpdesk.identity import VerificationClaim
from helpdesk.importer import import_tickets
from helpdesk.orders import cancel_customer_order
from helpdesk.records import NewTicket
from helpdesk.sql_records import SqlCustomerRecords
from helpdesk.verification import verify_customer
from tests.conftest import DEMO_DATA, import_demo

SERVER = os.environ.get("KEFU_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_db():
    schema = f"kefu_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(SERVER, future=True)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # pragma: no cover - the machine always has it
        pytest.fail(f"PostgreSQL is not reachable at {SERVER}: {error}")
    db = Database(f"{SERVER}?options=-csearch_path%3D{schema}")
    try:
        yield db
    finally:
        db.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_models_importer_and_records_work_on_postgresql(pg_db):
    import_demo(pg_db)
    records = SqlCustomerRecords(pg_db)
    assert (
        verify_customer(records, VerificationClaim("maya.thompson@example.com", "BW-104101")).id
        == "C1001"
    )
    assert cancel_customer_order(records, "C1001", "BW-104138").outcome == "cancelled"
    # Imported tickets carry explicit ids; a new chat ticket must still get a fresh one.
    ticket = records.create_ticket(
        NewTicket(
            category="other",
            subject="Hello",
            description="A question",
            urgency="low",
            priority=1,
            customer_id="C1001",
        )
    )
    assert ticket.id > 13
    assert len(records.search_customers("thompson")) == 1
    import_tickets(pg_db, DEMO_DATA / "tickets.csv")  # re-import keeps the sequence ahead
    assert (
        records.create_ticket(
            NewTicket(
                category="other", subject="Again", description="Another", urgency="low", priority=1
            )
        ).id
        > ticket.id
    )
