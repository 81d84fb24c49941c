"""Importing customer records from CSV files.

Every file is checked completely before anything is written — every row, and
(as far as its values could be read) against the database: customers and orders a row refers to exist, an email is not
someone else's, an order is not moved to another customer and a ticket Kefu opened
is not overwritten unless the admin said so. One bad row and the file imports
nothing, and the error names the file, the line and the field. Then the file is
written in short transactions (helpdesk/import_writer.py) so live chats keep
getting the database's write lock. Rows are matched on their id, so importing the
same file again changes nothing, and finishes an import the database interrupted.
Files are imported in dependency order: customers, orders, tickets.

A date without a time is a calendar day of the company: it is stored as the start
of that day in the company's time zone, so the bot and the console, which show
dates in that zone, show the same day the file says.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from sqlalchemy import text
from sqlalchemy.orm import Session

from helpdesk import import_fields as fields
from helpdesk.company import load_company
from helpdesk.config import Settings
from helpdesk.db import Database
from helpdesk.import_csv import CsvRow, ImportFailed, RowChecker, RowError, read_rows
from helpdesk.import_fields import parse_timestamp
from helpdesk.import_writer import (
    BATCH_ROWS,
    ImportInterrupted,
    ImportReport,
    PendingRow,
    lookup,
    write_in_batches,
)
from helpdesk.models import (
    ORDER_STATUSES,
    TICKET_STATUSES,
    TIERS,
    URGENCIES,
    Customer,
    Order,
    Ticket,
)
from helpdesk.parsing import format_ticket_ref

__all__ = [
    "CUSTOMER_COLUMNS",
    "IMPORTERS",
    "IMPORT_ORDER",
    "ORDER_COLUMNS",
    "TICKET_COLUMNS",
    "ImportFailed",
    "ImportInterrupted",
    "ImportReport",
    "RowError",
    "company_zone",
    "import_customers",
    "import_orders",
    "import_tickets",
    "parse_timestamp",
]

CUSTOMER_COLUMNS = ("customer_id", "name", "email", "phone", "tier", "created_at")
ORDER_COLUMNS = (
    "order_id",
    "customer_id",
    "placed_at",
    "status",
    "total",
    "currency",
    "carrier",
    "tracking_number",
    "items",
    "delivered_at",
)
TICKET_COLUMNS = (
    "ticket_id",
    "customer_id",
    "order_id",
    "category",
    "subject",
    "description",
    "urgency",
    "status",
    "created_at",
)
IMPORTED = "import"  # Ticket.source of imported tickets
_CUSTOMER_ID = fields.single_line(32)


def company_zone() -> tzinfo:
    """The company's time zone from the configured knowledge base: what a date
    without a time means when the caller does not name a zone."""
    return load_company(Settings.from_env().knowledge_base_dir).hours.zone


def import_customers(
    db: Database, path: Path, *, zone: Optional[tzinfo] = None, batch_rows: int = BATCH_ROWS
) -> ImportReport:
    """Customers; an email may belong to one customer only, since verification in
    chat identifies a customer by email and order number."""
    rows = read_rows(path, CUSTOMER_COLUMNS)
    check = RowChecker(str(path))
    when = _timestamps(zone)
    parsed: List[PendingRow] = []
    seen_ids: Dict[str, int] = {}
    seen_emails: Dict[str, int] = {}
    for row in rows:
        record = {
            "id": check.convert(row, "customer_id", _CUSTOMER_ID),
            "name": check.convert(row, "name", fields.single_line(200)),
            "email": check.convert(row, "email", fields.email),
            "phone": check.convert(row, "phone", fields.single_line(40), optional=True),
            "tier": check.convert(row, "tier", fields.choice(TIERS)),
            "created_at": check.convert(row, "created_at", when),
        }
        _check_repeated(check, row, record["id"], seen_ids, "customer_id")
        _check_repeated(check, row, record["email"], seen_emails, "email")
        parsed.append(PendingRow(row.line, record))
    with db.session() as session:
        owners = lookup(session, Customer.email, Customer.id, seen_emails)
    for pending in parsed:
        email, owner = pending.values["email"], owners.get(pending.values["email"])
        if owner is not None and owner != pending.values["id"]:
            check.fail(pending.line, "email", f"'{email}' already belongs to customer {owner}")
    check.raise_if_failed()
    report = ImportReport(str(path), "customers")
    return write_in_batches(db, Customer, parsed, report, batch_rows=batch_rows)


def import_orders(
    db: Database,
    path: Path,
    *,
    zone: Optional[tzinfo] = None,
    allow_owner_change: bool = False,
    batch_rows: int = BATCH_ROWS,
) -> ImportReport:
    """Orders; an order that exists is never given to another customer unless
    `allow_owner_change`: a file with overlapping ids would otherwise move orders
    silently, and their customers would be told they have none."""
    rows = read_rows(path, ORDER_COLUMNS)
    check = RowChecker(str(path))
    when = _timestamps(zone)
    parsed: List[PendingRow] = []
    seen: Dict[str, int] = {}
    for row in rows:
        record = {
            "id": check.convert(row, "order_id", fields.order_id),
            "customer_id": check.convert(row, "customer_id", _CUSTOMER_ID),
            "placed_at": check.convert(row, "placed_at", when),
            "status": check.convert(row, "status", fields.choice(ORDER_STATUSES)),
            "total": check.convert(row, "total", fields.money),
            "currency": check.convert(row, "currency", fields.currency),
            "carrier": check.convert(row, "carrier", fields.single_line(40), optional=True),
            "tracking_number": check.convert(
                row, "tracking_number", fields.single_line(64), optional=True
            ),
            "items": check.convert(row, "items", fields.items(4000)),
            "delivered_at": check.convert(row, "delivered_at", when, optional=True),
        }
        _check_order_consistency(check, row.line, record)
        _check_repeated(check, row, record["id"], seen, "order_id")
        parsed.append(PendingRow(row.line, record))
    with db.session() as session:
        _check_customers_exist(session, check, parsed)
        owners = lookup(session, Order.id, Order.customer_id, seen)
    for pending in parsed:
        refusal = _owner_change(owners.get(pending.values["id"]), pending, allow_owner_change)
        if refusal:
            check.fail(pending.line, "customer_id", refusal)
    check.raise_if_failed()

    def still_same_owner(stored: Order, pending: PendingRow) -> Optional[str]:
        return _owner_change(stored.customer_id, pending, allow_owner_change)

    report = ImportReport(str(path), "orders")
    return write_in_batches(
        db, Order, parsed, report, batch_rows=batch_rows, guard=still_same_owner
    )


def _owner_change(owner: Optional[str], pending: PendingRow, allowed: bool) -> Optional[str]:
    new_owner = pending.values["customer_id"]
    if allowed or owner is None or new_owner is None or owner == new_owner:
        return None
    return (
        f"order {pending.values['id']} belongs to customer {owner}; importing it would move "
        f"it to {new_owner} (to move orders between customers, import with --allow-owner-change)"
    )


def _check_order_consistency(check: RowChecker, line: int, record: Dict[str, Any]) -> None:
    status = record["status"]
    if status in ("shipped", "delivered"):
        for column in ("carrier", "tracking_number"):
            if not record[column]:
                check.fail(line, column, f"is required for a {status} order")
    if status == "delivered" and not record["delivered_at"]:
        check.fail(line, "delivered_at", "is required for a delivered order")
    if status in ("processing", "shipped") and record["delivered_at"]:
        check.fail(line, "delivered_at", f"must be empty for a {status} order")
    placed, delivered = record["placed_at"], record["delivered_at"]
    if placed and delivered and delivered < placed:
        check.fail(line, "delivered_at", "is before placed_at")


def import_tickets(
    db: Database,
    path: Path,
    *,
    zone: Optional[tzinfo] = None,
    overwrite_tickets: bool = False,
    batch_rows: int = BATCH_ROWS,
) -> ImportReport:
    """Past tickets. A ticket with the same number that Kefu opened itself (from a
    chat, an escalation or an agent's handoff) is a live customer case, not an
    older copy of an imported one: it is replaced only with `overwrite_tickets`."""
    rows = read_rows(path, TICKET_COLUMNS)
    check = RowChecker(str(path))
    when = _timestamps(zone)
    parsed: List[PendingRow] = []
    seen: Dict[int, int] = {}
    for row in rows:
        record = {
            "id": check.convert(row, "ticket_id", fields.ticket_id),
            "customer_id": check.convert(row, "customer_id", _CUSTOMER_ID),
            "order_id": check.convert(row, "order_id", fields.order_id, optional=True),
            "category": check.convert(row, "category", fields.single_line(32)),
            "subject": check.convert(row, "subject", fields.single_line(200)),
            "description": check.convert(row, "description", fields.multi_line(20000)),
            "urgency": check.convert(row, "urgency", fields.choice(URGENCIES)),
            "status": check.convert(row, "status", fields.choice(TICKET_STATUSES)),
            "created_at": check.convert(row, "created_at", when),
            "source": IMPORTED,
        }
        _check_repeated(check, row, record["id"], seen, "ticket_id")
        parsed.append(PendingRow(row.line, record))
    with db.session() as session:
        _check_customers_exist(session, check, parsed)
        order_owners = lookup(
            session, Order.id, Order.customer_id, {p.values["order_id"] for p in parsed} - {None}
        )
        sources = lookup(session, Ticket.id, Ticket.source, seen)
    for pending in parsed:
        values = pending.values
        customer_id = values["customer_id"]
        if (
            values["order_id"]
            and customer_id
            and order_owners.get(values["order_id"]) != customer_id
        ):
            check.fail(
                pending.line,
                "order_id",
                f"{values['order_id']} is not an order of customer {customer_id}",
            )
        refusal = _overwrite(sources.get(values["id"]), pending, overwrite_tickets)
        if refusal:
            check.fail(pending.line, "ticket_id", refusal)
    check.raise_if_failed()

    def still_imported(stored: Ticket, pending: PendingRow) -> Optional[str]:
        return _overwrite(stored.source, pending, overwrite_tickets)

    report = ImportReport(str(path), "tickets")
    return write_in_batches(
        db,
        Ticket,
        parsed,
        report,
        batch_rows=batch_rows,
        # A new imported ticket was last updated when it was opened (as far as
        # Kefu knows); a changed one gets Kefu's updated_at of now.
        insert_extras=lambda values: {"updated_at": values["created_at"]},
        guard=still_imported,
        after_batch=_keep_ticket_sequence_ahead,
    )


def _overwrite(source: Optional[str], pending: PendingRow, allowed: bool) -> Optional[str]:
    if allowed or source is None or source == IMPORTED:
        return None
    ref = format_ticket_ref(pending.values["id"])
    return (
        f"{ref} is a ticket Kefu opened ({source}), not an imported one; importing would "
        f"overwrite it (to replace such tickets, import with --overwrite-tickets)"
    )


def _keep_ticket_sequence_ahead(session: Session) -> None:
    """Explicit ids do not move PostgreSQL's sequence, and the bot's next ticket must
    not collide with an imported one. Never moved backwards: a ticket the bot is
    opening right now may already hold a number beyond the highest committed id."""
    if session.bind.dialect.name != "postgresql":
        return
    session.execute(
        text(
            "SELECT setval(pg_get_serial_sequence('tickets', 'id'), GREATEST("
            "(SELECT COALESCE(MAX(id), 1) FROM tickets), "
            "COALESCE(pg_sequence_last_value(pg_get_serial_sequence('tickets', 'id')::regclass), 1)"
            "))"
        )
    )


def _timestamps(zone: Optional[tzinfo]) -> Callable[[str], datetime]:
    """The parser of this file's dates; the zone is looked up once per file."""
    resolved = zone if zone is not None else company_zone()
    return lambda raw: parse_timestamp(raw, resolved)


def _check_repeated(
    check: RowChecker, row: CsvRow, value: Any, seen: Dict[Any, int], column: str
) -> None:
    if value is None:
        return
    if value in seen:
        check.fail(row.line, column, f"'{value}' is repeated from line {seen[value]}")
    else:
        seen[value] = row.line


def _check_customers_exist(session: Session, check: RowChecker, parsed: List[PendingRow]) -> None:
    wanted = {p.values["customer_id"] for p in parsed if p.values["customer_id"]}
    known = lookup(session, Customer.id, Customer.id, wanted)
    for pending in parsed:
        customer_id = pending.values["customer_id"]
        if customer_id and customer_id not in known:
            check.fail(
                pending.line,
                "customer_id",
                f"no customer '{customer_id}' (import the customers first)",
            )


IMPORTERS = {"customers": import_customers, "orders": import_orders, "tickets": import_tickets}
IMPORT_ORDER = ("customers", "orders", "tickets")
