from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from helpdesk.importer import ImportFailed, import_customers, import_orders, import_tickets
from helpdesk.models import Customer, Order, Ticket
from tests.conftest import DEMO_DATA

CUSTOMERS_HEADER = "customer_id,name,email,phone,tier,created_at\n"
ORDERS_HEADER = "order_id,customer_id,placed_at,status,total,currency,carrier,tracking_number,items,delivered_at\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def count(db, model) -> int:
    with db.session() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_demo_data_has_every_tier_every_order_status_and_past_tickets(demo_db):
    with demo_db.session() as session:
        tiers = set(session.execute(select(Customer.tier)).scalars())
        statuses = set(session.execute(select(Order.status)).scalars())
        customers = session.execute(select(func.count(Customer.id))).scalar_one()
        tickets = session.execute(select(func.count(Ticket.id))).scalar_one()
    assert tiers == {"standard", "plus", "premier"}
    assert statuses == {"processing", "shipped", "delivered", "cancelled", "returned"}
    assert customers >= 30
    assert tickets >= 5


def test_importing_the_same_files_again_updates_instead_of_duplicating(demo_db):
    before = (count(demo_db, Customer), count(demo_db, Order), count(demo_db, Ticket))
    report = import_customers(demo_db, DEMO_DATA / "customers.csv")
    import_orders(demo_db, DEMO_DATA / "orders.csv")
    import_tickets(demo_db, DEMO_DATA / "tickets.csv")
    assert report.inserted == 0 and report.updated == before[0]
    assert (count(demo_db, Customer), count(demo_db, Order), count(demo_db, Ticket)) == before


def test_a_changed_row_is_updated_in_place(empty_db, tmp_path):
    first = write(
        tmp_path, "c1.csv", CUSTOMERS_HEADER + "C1,Ann Lee,ann@example.com,,plus,2025-01-02\n"
    )
    import_customers(empty_db, first)
    second = write(
        tmp_path,
        "c2.csv",
        CUSTOMERS_HEADER + "C1,Ann Lee-Park,ann@example.com,555,premier,2025-01-02\n",
    )
    report = import_customers(empty_db, second)
    assert (report.inserted, report.updated) == (0, 1)
    with empty_db.session() as session:
        ann = session.get(Customer, "C1")
        assert (ann.name, ann.tier, ann.phone) == ("Ann Lee-Park", "premier", "555")


def test_one_bad_row_imports_nothing_and_names_file_line_and_field(empty_db, tmp_path):
    path = write(
        tmp_path,
        "customers.csv",
        CUSTOMERS_HEADER
        + "C1,Ann Lee,ann@example.com,,plus,2025-01-02\n"
        + "C2,Bo Chen,not-an-email,,gold,2025-13-40\n",
    )
    with pytest.raises(ImportFailed) as failure:
        import_customers(empty_db, path)
    messages = [str(e) for e in failure.value.errors]
    assert any("customers.csv, line 3, field 'email'" in m for m in messages)
    assert any("line 3, field 'tier'" in m and "gold" in m for m in messages)
    assert any("line 3, field 'created_at'" in m for m in messages)
    assert count(empty_db, Customer) == 0


@pytest.mark.parametrize(
    ("content", "line", "field"),
    [
        ("customer_id,name,email\nC1,Ann,ann@example.com\n", 1, "header"),
        (
            CUSTOMERS_HEADER + 'C1,"Ann Lee,ann@example.com,,plus,2025-01-02\n',
            2,
            "-",
        ),  # broken quoting
        (
            CUSTOMERS_HEADER + "C1,Ann Lee,ann@example.com,plus,2025-01-02\n",
            2,
            "-",
        ),  # a field short
        (CUSTOMERS_HEADER + "C1,,ann@example.com,,plus,2025-01-02\n", 2, "name"),
        (
            CUSTOMERS_HEADER
            + "C1,Ann,ann@example.com,,plus,2025-01-02\nC1,Bo,bo@example.com,,plus,2025-01-02\n",
            3,
            "customer_id",
        ),
        ("", 1, "-"),
    ],
)
def test_broken_csv_files_are_rejected_with_the_line_and_field(
    empty_db, tmp_path, content, line, field
):
    path = write(tmp_path, "customers.csv", content)
    with pytest.raises(ImportFailed) as failure:
        import_customers(empty_db, path)
    first = failure.value.errors[0]
    assert (first.line, first.field) == (line, field)
    assert str(path) in str(failure.value)


def test_a_file_that_is_not_utf8_is_rejected(empty_db, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_bytes(
        CUSTOMERS_HEADER.encode() + "C1,Zoë,zoe@example.com,,plus,2025-01-02\n".encode("latin-1")
    )
    with pytest.raises(ImportFailed, match="not valid UTF-8"):
        import_customers(empty_db, path)


def test_an_email_belonging_to_another_customer_is_refused(demo_db, tmp_path):
    path = write(
        tmp_path,
        "c.csv",
        CUSTOMERS_HEADER + "C9999,Impostor,maya.thompson@example.com,,plus,2025-01-02\n",
    )
    with pytest.raises(ImportFailed, match="already belongs to customer C1001"):
        import_customers(demo_db, path)


def test_orders_are_checked_for_status_consistency_and_known_customers(demo_db, tmp_path):
    path = write(
        tmp_path,
        "orders.csv",
        ORDERS_HEADER
        + "BW-199001,C1001,2026-11-01,delivered,10.00,USD,,,Cable x1,\n"
        + "bw 199002,C1001,2026-11-01,shipped,10.00,USD,UPS,1Z,Cable x1,\n"
        + "BW-199003,C0000,2026-11-01,processing,-3,US,,,Cable x1,\n",
    )
    with pytest.raises(ImportFailed) as failure:
        import_orders(demo_db, path)
    found = {(e.line, e.field) for e in failure.value.errors}
    assert {(2, "carrier"), (2, "tracking_number"), (2, "delivered_at")} <= found
    assert (3, "order_id") in found
    assert {(4, "total"), (4, "currency")} <= found


def test_orders_reference_customers_that_exist(demo_db, tmp_path):
    path = write(
        tmp_path,
        "orders.csv",
        ORDERS_HEADER + "BW-199003,C0000,2026-11-01,processing,3,USD,,,Cable x1,\n",
    )
    with pytest.raises(ImportFailed, match="line 2, field 'customer_id': no customer 'C0000'"):
        import_orders(demo_db, path)


def test_money_is_stored_exactly(demo_db, tmp_path):
    path = write(
        tmp_path,
        "orders.csv",
        ORDERS_HEADER + "BW-199004,C1001,2026-11-01,processing,1299.99,USD,,,Fridge x1,\n",
    )
    import_orders(demo_db, path)
    with demo_db.session() as session:
        assert session.get(Order, "BW-199004").total == Decimal("1299.99")
