import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Dict, List

import pytest
from sqlalchemy import func, select

from helpdesk.importer import ImportFailed, import_customers, import_orders, import_tickets
from helpdesk.models import Customer, Order, Ticket
from helpdesk.records import NewTicket
from helpdesk.sql_records import SqlCustomerRecords
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


def test_importing_the_same_files_again_changes_nothing_and_reports_every_row_unchanged(demo_db):
    before = (count(demo_db, Customer), count(demo_db, Order), count(demo_db, Ticket))
    reports = (
        import_customers(demo_db, DEMO_DATA / "customers.csv"),
        import_orders(demo_db, DEMO_DATA / "orders.csv"),
        import_tickets(demo_db, DEMO_DATA / "tickets.csv"),
    )
    assert [(r.inserted, r.updated, r.unchanged) for r in reports] == [
        (0, 0, before[0]),
        (0, 0, before[1]),
        (0, 0, before[2]),
    ]
    assert str(reports[1]) == f"{DEMO_DATA / 'orders.csv'}: 0 orders added, 0 updated, 93 unchanged"
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
    assert report.changed_fields == {"name": 1, "phone": 1, "tier": 1}
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


# --- what an import may not change without being told -------------------------------


def demo_orders() -> List[Dict[str, str]]:
    with (DEMO_DATA / "orders.csv").open(encoding="utf-8", newline="") as demo:
        return list(csv.DictReader(demo))


def orders_file(tmp_path: Path, rows: List[Dict[str, str]], name: str = "orders.csv") -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ORDERS_HEADER.strip().split(","))
    writer.writeheader()
    writer.writerows(rows)
    return write(tmp_path, name, buffer.getvalue())


def new_order(order_id: str, customer_id: str = "C1001", **changes: str) -> Dict[str, str]:
    order = {
        "order_id": order_id,
        "customer_id": customer_id,
        "placed_at": "2026-11-01T15:00:00Z",
        "status": "processing",
        "total": "10.00",
        "currency": "USD",
        "carrier": "",
        "tracking_number": "",
        "items": "HDMI cable 2m x1",
        "delivered_at": "",
    }
    return {**order, **changes}


def owner_of(db, order_id: str) -> str:
    with db.session() as session:
        return session.get(Order, order_id).customer_id


def test_an_orders_file_that_would_move_an_order_to_another_customer_is_refused_and_writes_nothing(
    demo_db, tmp_path
):
    mayas = next(row for row in demo_orders() if row["order_id"] == "BW-104101")
    path = orders_file(tmp_path, [new_order("BW-199001"), {**mayas, "customer_id": "C1002"}])
    with pytest.raises(ImportFailed) as failure:
        import_orders(demo_db, path)
    [error] = failure.value.errors
    assert str(error).startswith(f"{path}, line 3, field 'customer_id': order BW-104101 belongs")
    assert "customer C1001" in str(error) and "--allow-owner-change" in str(error)
    assert owner_of(demo_db, "BW-104101") == "C1001"
    with demo_db.session() as session:
        assert session.get(Order, "BW-199001") is None  # the good row was not written either


def test_an_order_moves_to_another_customer_when_the_import_allows_owner_changes(demo_db, tmp_path):
    mayas = next(row for row in demo_orders() if row["order_id"] == "BW-104101")
    path = orders_file(tmp_path, [{**mayas, "customer_id": "C1002"}])
    report = import_orders(demo_db, path, allow_owner_change=True)
    assert (report.updated, report.changed_fields) == (1, {"customer_id": 1})
    assert owner_of(demo_db, "BW-104101") == "C1002"


def kefu_ticket(records: SqlCustomerRecords, source: str) -> int:
    return records.create_ticket(
        NewTicket(
            category="damaged_item",
            subject="TV arrived cracked",
            description="The screen is cracked",
            urgency="high",
            priority=8,
            customer_id="C1001",
            source=source,
        )
    ).id


def tickets_file(tmp_path: Path, ticket_id: int, subject: str = "Imported subject") -> Path:
    return write(
        tmp_path,
        "tickets.csv",
        "ticket_id,customer_id,order_id,category,subject,description,urgency,status,created_at\n"
        f"T-{ticket_id:05d},C1001,,other,{subject},From the old helpdesk,low,solved,2026-01-05\n",
    )


@pytest.mark.parametrize("source", ["chat", "escalation", "handoff"])
def test_an_imported_ticket_does_not_overwrite_a_ticket_kefu_opened_with_the_same_number(
    records, demo_db, tmp_path, source
):
    ticket_id = kefu_ticket(records, source)
    path = tickets_file(tmp_path, ticket_id)
    with pytest.raises(ImportFailed) as failure:
        import_tickets(demo_db, path)
    [error] = failure.value.errors
    assert (error.line, error.field) == (2, "ticket_id")
    assert f"({source})" in error.message and "--overwrite-tickets" in error.message
    kept = records.get_ticket(ticket_id)
    assert (kept.subject, kept.status) == ("TV arrived cracked", "open")


def test_a_ticket_kefu_opened_is_replaced_when_the_import_may_overwrite_tickets(
    records, demo_db, tmp_path
):
    ticket_id = kefu_ticket(records, "chat")
    report = import_tickets(demo_db, tickets_file(tmp_path, ticket_id), overwrite_tickets=True)
    assert report.updated == 1 and report.changed_fields["source"] == 1
    replaced = records.get_ticket(ticket_id)
    assert (replaced.subject, replaced.status) == ("Imported subject", "solved")


def test_the_report_counts_rows_added_changed_and_unchanged_and_which_fields_changed(
    demo_db, tmp_path
):
    rows = demo_orders()
    processing = next(row for row in rows if row["status"] == "processing")
    shipped = next(row for row in rows if row["status"] == "shipped")
    untouched = next(row for row in rows if row["status"] == "delivered")
    processing["status"] = "cancelled"
    shipped.update(status="delivered", delivered_at="2026-11-24T15:00:00Z")
    rows += [new_order(f"BW-19900{n}") for n in (1, 2, 3)]
    with demo_db.session() as session:
        untouched_stamp = session.get(Order, untouched["order_id"]).updated_at

    path = orders_file(tmp_path, rows)
    report = import_orders(demo_db, path)

    assert (
        str(report) == f"{path}: 3 orders added, 2 updated (status 2, delivered_at 1), 91 unchanged"
    )
    with demo_db.session() as session:
        assert session.get(Order, processing["order_id"]).status == "cancelled"
        assert session.get(Order, shipped["order_id"]).status == "delivered"
        assert session.get(Order, untouched["order_id"]).updated_at == untouched_stamp
    assert count(demo_db, Order) == 96


@pytest.mark.parametrize(
    "total",
    ["NaN", "sNaN", "-nan", "1e400", "Infinity", "-Infinity", "inf", "10000000.01", "1" * 40],
)
def test_a_total_that_is_not_a_storable_amount_is_a_row_error(demo_db, tmp_path, total):
    path = orders_file(tmp_path, [new_order("BW-199001", total=total)])
    with pytest.raises(ImportFailed) as failure:
        import_orders(demo_db, path)
    assert [(e.line, e.field) for e in failure.value.errors] == [(2, "total")]
    assert count(demo_db, Order) == 93


def test_the_largest_total_is_stored_to_the_cent(demo_db, tmp_path):
    path = orders_file(tmp_path, [new_order("BW-199001", total="10,000,000.00")])
    import_orders(demo_db, path)
    with demo_db.session() as session:
        assert session.get(Order, "BW-199001").total == Decimal("10000000.00")
