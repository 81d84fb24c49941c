"""Single values in import files: dates and their time zone, and values that would
crash the import or the database instead of being reported as a row error."""

import shutil
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import func, select

from helpdesk.config import PROJECT_ROOT
from helpdesk.import_fields import parse_timestamp
from helpdesk.importer import ImportFailed, import_customers, import_orders, import_tickets
from helpdesk.models import Customer, Order, Ticket
from helpdesk.order_numbers import current_order_numbers
from tests.helpdesk.test_importer import CUSTOMERS_HEADER, new_order, orders_file, write

NEW_YORK = ZoneInfo("America/New_York")
TICKETS_HEADER = (
    "ticket_id,customer_id,order_id,category,subject,description,urgency,status,created_at\n"
)


def count(db, model) -> int:
    with db.session() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


# --- dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "utc"),
    [
        ("2026-09-17", datetime(2026, 9, 17, 4, 0)),  # daylight saving time: UTC-4
        ("2026-01-05", datetime(2026, 1, 5, 5, 0)),  # standard time: UTC-5
    ],
)
def test_a_date_without_a_time_is_the_start_of_that_day_in_the_company_time_zone(raw, utc):
    moment = parse_timestamp(raw, NEW_YORK)
    assert moment.astimezone(timezone.utc).replace(tzinfo=None) == utc
    assert moment.astimezone(NEW_YORK).date() == date.fromisoformat(raw)


@pytest.mark.parametrize(
    ("raw", "utc"),
    [
        ("2026-09-17T14:30:00", datetime(2026, 9, 17, 14, 30)),
        ("2026-09-17 14:30", datetime(2026, 9, 17, 14, 30)),
        ("2026-09-17T14:30:00Z", datetime(2026, 9, 17, 14, 30)),
        ("2026-09-17T14:30:00-04:00", datetime(2026, 9, 17, 18, 30)),
        ("2026-09-17T14:30:00.5+00:00", datetime(2026, 9, 17, 14, 30, 0, 500000)),
    ],
)
def test_a_time_without_a_zone_is_utc_and_a_given_zone_is_kept(raw, utc):
    moment = parse_timestamp(raw, NEW_YORK)
    assert moment.astimezone(timezone.utc).replace(tzinfo=None) == utc


def test_a_delivery_imported_as_a_date_is_that_date_in_the_company_time_zone(
    demo_db, tmp_path, facts
):
    order = new_order(
        "BW-199001",
        placed_at="2026-09-12",
        status="delivered",
        carrier="UPS",
        tracking_number="1Z999",
        delivered_at="2026-09-17",
    )
    import_orders(demo_db, orders_file(tmp_path, [order]), zone=facts.hours.zone)
    with demo_db.session() as session:
        stored = session.get(Order, "BW-199001")
    assert stored.placed_at.astimezone(facts.hours.zone).date() == date(2026, 9, 12)
    assert stored.delivered_at.astimezone(facts.hours.zone).date() == date(2026, 9, 17)


def test_without_a_zone_the_importer_takes_the_configured_companys_zone(
    demo_db, tmp_path, monkeypatch
):
    knowledge_base = tmp_path / "kb"
    shutil.copytree(PROJECT_ROOT / "knowledge_base", knowledge_base)
    company = yaml.safe_load((knowledge_base / "company.yml").read_text())
    company["support_hours"]["timezone"] = "Asia/Tokyo"
    (knowledge_base / "company.yml").write_text(yaml.safe_dump(company))
    monkeypatch.setenv("KEFU_KNOWLEDGE_BASE", str(knowledge_base))

    import_orders(demo_db, orders_file(tmp_path, [new_order("BW-199001", placed_at="2026-09-17")]))
    with demo_db.session() as session:
        placed = session.get(Order, "BW-199001").placed_at
    assert placed == datetime(2026, 9, 16, 15, 0, tzinfo=timezone.utc)  # Tokyo is UTC+9


def test_order_ids_are_checked_against_the_configured_companys_format(
    demo_db, tmp_path, monkeypatch
):
    knowledge_base = tmp_path / "kb"
    knowledge_base.mkdir()
    company = yaml.safe_load((PROJECT_ROOT / "knowledge_base" / "company.yml").read_text())
    company["order_numbers"] = {
        "prefix": "ORD",
        "separator": "/",
        "digits": 8,
        "example": "ORD/12345678",
    }
    (knowledge_base / "company.yml").write_text(yaml.safe_dump(company))
    monkeypatch.setenv("KEFU_KNOWLEDGE_BASE", str(knowledge_base))
    current_order_numbers.cache_clear()
    try:
        import_orders(demo_db, orders_file(tmp_path, [new_order("ord/00000042")]))
        with pytest.raises(ImportFailed, match="'BW-199001' is not an order number like ORD/1234"):
            import_orders(demo_db, orders_file(tmp_path, [new_order("BW-199001")]))
    finally:
        current_order_numbers.cache_clear()
    with demo_db.session() as session:
        assert session.get(Order, "ORD/00000042") is not None
        assert session.get(Order, "BW-199001") is None


# --- values that must be row errors, never a traceback ---------------------------------


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("placed_at", "9999-12-31T23:00:00-05:00"),  # past the end of the calendar in UTC
        ("placed_at", "0001-01-01T00:00:00+01:00"),  # before its start
        ("placed_at", "20260-01-01"),
        ("placed_at", "2026-02-30"),
        ("placed_at", "2026-09-17T25:00"),
        ("placed_at", "2026-09-17x14:30"),  # Python 3.10 would take any separator
        ("placed_at", "2026-09-17T14:30+99:00"),
        ("order_id", "BW-١٠٤١٠١"),  # Arabic-Indic digits are digits to \d and int()
        ("customer_id", "C1001\u202e"),  # a right-to-left override
        ("customer_id", "\ufeffC1001"),  # a byte-order mark
        ("carrier", "UPS\x1b[31m"),  # a terminal escape
        ("items", "HDMI cable x99999999999"),
        ("items", "HDMI cable x0"),
        ("currency", "ßa"),  # upper-cases to "SSA"
    ],
)
def test_an_order_value_the_database_or_display_cannot_hold_is_a_row_error(
    demo_db, tmp_path, column, value
):
    path = orders_file(tmp_path, [{**new_order("BW-199001"), column: value}])
    with pytest.raises(ImportFailed) as failure:
        import_orders(demo_db, path)
    assert [(e.line, e.field) for e in failure.value.errors] == [(2, column)]
    assert count(demo_db, Order) == 93


def test_a_byte_order_mark_inside_a_file_is_named_in_the_error(demo_db, tmp_path):
    path = orders_file(tmp_path, [new_order("BW-199001", customer_id="\ufeffC1001")])
    with pytest.raises(ImportFailed, match="byte-order mark"):
        import_orders(demo_db, path)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("ticket_id", "T-99999999999"),
        ("ticket_id", "T-١٢"),
        ("description", "It broke\x07"),
        ("subject", "Two\nlines"),
    ],
)
def test_a_ticket_value_the_database_cannot_hold_is_a_row_error(demo_db, tmp_path, column, value):
    row = {
        "ticket_id": "T-00500",
        "customer_id": "C1001",
        "order_id": "",
        "category": "other",
        "subject": "A question",
        "description": "About invoices",
        "urgency": "low",
        "status": "solved",
        "created_at": "2026-01-05",
    }
    row[column] = value
    cells = ",".join('"' + cell.replace('"', '""') + '"' for cell in row.values())
    path = write(tmp_path, "tickets.csv", TICKETS_HEADER + cells + "\n")
    with pytest.raises(ImportFailed) as failure:
        import_tickets(demo_db, path)
    assert [e.field for e in failure.value.errors] == [column]
    assert count(demo_db, Ticket) == 13


def test_a_description_keeps_its_line_breaks(demo_db, tmp_path):
    path = write(
        tmp_path,
        "tickets.csv",
        TICKETS_HEADER
        + 'T-00500,C1001,,other,Invoices,"First line\nsecond line",low,solved,2026-01-05\n',
    )
    import_tickets(demo_db, path)
    with demo_db.session() as session:
        assert session.get(Ticket, 500).description == "First line\nsecond line"


@pytest.mark.parametrize(
    ("column", "value"),
    [("name", "Ann\u2028Lee"), ("email", "a" * 320 + "@example.com"), ("phone", "55\x1f5")],
)
def test_a_customer_value_the_database_cannot_hold_is_a_row_error(
    empty_db, tmp_path, column, value
):
    row = {
        "customer_id": "C1",
        "name": "Ann Lee",
        "email": "ann@example.com",
        "phone": "",
        "tier": "plus",
        "created_at": "2025-01-02",
    }
    row[column] = value
    path = write(tmp_path, "customers.csv", CUSTOMERS_HEADER + ",".join(row.values()) + "\n")
    with pytest.raises(ImportFailed) as failure:
        import_customers(empty_db, path)
    assert [(e.line, e.field) for e in failure.value.errors] == [(2, column)]
    assert count(empty_db, Customer) == 0


def test_a_file_saved_with_byte_order_marks_imports(empty_db, tmp_path):
    path = Path(tmp_path / "customers.csv")
    body = CUSTOMERS_HEADER + "C1,Ann Lee,ann@example.com,,plus,2025-01-02\n"
    path.write_bytes(("\ufeff\ufeff" + body).encode("utf-8"))  # saved twice by a spreadsheet
    assert import_customers(empty_db, path).inserted == 1
