"""Importing customer records from CSV files.

Every file is checked completely before anything is written: one bad row and the
file imports nothing, and the error names the file, the line and the field. Rows
are matched on their id, so importing the same file again updates rather than
duplicates. Files are imported in dependency order (customers, orders, tickets),
each in its own transaction.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Set

from sqlalchemy import select, text

from helpdesk.db import Database
from helpdesk.models import (
    ORDER_STATUSES,
    TICKET_STATUSES,
    TIERS,
    URGENCIES,
    Customer,
    Order,
    Ticket,
)
from helpdesk.parsing import parse_email, parse_items

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
_ORDER_ID = re.compile(r"^BW-\d{6}$")
_TICKET_ID = re.compile(r"^(?:T-)?(\d{1,7})$", re.IGNORECASE)
_MAX_ERRORS_SHOWN = 20


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}, field '{self.field}': {self.message}"


class ImportFailed(Exception):
    """A file was rejected; nothing from it was written."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        shown = "\n".join(f"  {e}" for e in self.errors[:_MAX_ERRORS_SHOWN])
        more = len(self.errors) - _MAX_ERRORS_SHOWN
        extra = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"nothing was imported from {self.errors[0].file}:\n{shown}{extra}")


@dataclass
class ImportReport:
    file: str
    kind: str
    inserted: int = 0
    updated: int = 0

    def __str__(self) -> str:
        return f"{self.file}: {self.inserted} {self.kind} added, {self.updated} updated"


@dataclass
class _Row:
    line: int
    values: Dict[str, str]


@dataclass
class _Checker:
    """Collects errors for one file while rows are converted."""

    file: str
    errors: List[RowError] = field(default_factory=list)

    def fail(self, line: int, column: str, message: str) -> None:
        self.errors.append(RowError(self.file, line, column, message))

    def required(self, row: _Row, column: str) -> Optional[str]:
        value = row.values.get(column, "").strip()
        if not value:
            self.fail(row.line, column, "is required")
            return None
        return value

    def convert(
        self, row: _Row, column: str, parse: Callable[[str], Any], optional: bool = False
    ) -> Any:
        raw = row.values.get(column, "").strip()
        if not raw:
            if not optional:
                self.fail(row.line, column, "is required")
            return None
        try:
            return parse(raw)
        except ValueError as error:
            self.fail(row.line, column, str(error))
            return None


def read_rows(path: Path, columns: Sequence[str]) -> List[_Row]:
    """Reads a CSV file whose header names exactly `columns` (in any order)."""
    name = str(path)
    try:
        content = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ImportFailed([RowError(name, 0, "-", "file not found")]) from None
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise ImportFailed([RowError(name, line, "-", "is not valid UTF-8")]) from None
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFailed(
            [RowError(name, 1, "-", "the file is empty; a header line is required")]
        ) from None
    except csv.Error as error:
        raise ImportFailed([RowError(name, 1, "-", f"unreadable CSV: {error}")]) from None
    header = [column.strip().lower() for column in header]
    missing = [c for c in columns if c not in header]
    unknown = [c for c in header if c not in columns]
    if missing or unknown or len(set(header)) != len(header):
        problems = []
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown {', '.join(unknown)}")
        if len(set(header)) != len(header):
            problems.append("a column is repeated")
        raise ImportFailed(
            [RowError(name, 1, "header", f"expected {','.join(columns)} ({'; '.join(problems)})")]
        )
    rows, errors = [], []
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(RowError(name, reader.line_num, "-", f"unreadable CSV: {error}"))
            break
        if not any(cell.strip() for cell in record):
            continue  # blank lines are harmless
        if len(record) != len(header):
            errors.append(
                RowError(
                    name,
                    reader.line_num,
                    "-",
                    f"has {len(record)} fields, the header has {len(header)}",
                )
            )
            continue
        rows.append(_Row(reader.line_num, dict(zip(header, record, strict=True))))
    if errors:
        raise ImportFailed(errors)
    return rows


def parse_timestamp(raw: str) -> datetime:
    """ISO 8601 date or date-time; without a zone it is taken as UTC."""
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        try:
            value = datetime.combine(date.fromisoformat(raw), time())
        except ValueError:
            raise ValueError(
                f"'{raw}' is not an ISO 8601 date (like 2026-03-01 or 2026-03-01T14:30:00Z)"
            ) from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _choice(options: Iterable[str]) -> Callable[[str], str]:
    allowed = tuple(options)

    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in allowed:
            raise ValueError(f"'{raw}' is not one of {', '.join(allowed)}")
        return value

    return parse


def _email(raw: str) -> str:
    email = parse_email(raw)
    if email is None or email != raw.strip().lower():
        raise ValueError(f"'{raw}' is not an email address")
    return email


def _order_id(raw: str) -> str:
    value = raw.strip().upper()
    if not _ORDER_ID.match(value):
        raise ValueError(f"'{raw}' is not an order number like BW-104233")
    return value


def _money(raw: str) -> Decimal:
    try:
        value = Decimal(raw.replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"'{raw}' is not an amount") from None
    if value < 0 or not value.is_finite():
        raise ValueError(f"'{raw}' is not a positive amount")
    return value.quantize(Decimal("0.01"))


def _currency(raw: str) -> str:
    value = raw.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise ValueError(f"'{raw}' is not a three-letter currency code")
    return value


def _ticket_id(raw: str) -> int:
    match = _TICKET_ID.match(raw.strip())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"'{raw}' is not a ticket number like T-00042")
    return int(match.group(1))


def _text(limit: int) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if len(raw) > limit:
            raise ValueError(f"is longer than {limit} characters")
        return raw.strip()

    return parse


def import_customers(db: Database, path: Path) -> ImportReport:
    rows = read_rows(path, CUSTOMER_COLUMNS)
    check = _Checker(str(path))
    parsed: List[Dict[str, Any]] = []
    seen_ids: Dict[str, int] = {}
    seen_emails: Dict[str, int] = {}
    for row in rows:
        record = {
            "id": check.convert(row, "customer_id", _text(32)),
            "name": check.convert(row, "name", _text(200)),
            "email": check.convert(row, "email", _email),
            "phone": check.convert(row, "phone", _text(40), optional=True),
            "tier": check.convert(row, "tier", _choice(TIERS)),
            "created_at": check.convert(row, "created_at", parse_timestamp),
        }
        for key, seen, column in (("id", seen_ids, "customer_id"), ("email", seen_emails, "email")):
            value = record[key]
            if value is not None and value in seen:
                check.fail(row.line, column, f"'{value}' is repeated from line {seen[value]}")
            elif value is not None:
                seen[value] = row.line
        parsed.append({"line": row.line, **record})
    _raise_if(check)
    with db.session() as session:
        owners = dict(
            session.execute(
                select(Customer.email, Customer.id).where(Customer.email.in_(list(seen_emails)))
            ).all()
        )
        for record in parsed:
            owner = owners.get(record["email"])
            if owner is not None and owner != record["id"]:
                check.fail(
                    record["line"],
                    "email",
                    f"'{record['email']}' already belongs to customer {owner}",
                )
        _raise_if(check)
        report = ImportReport(str(path), "customers")
        for record in parsed:
            record.pop("line")
            _upsert(session, Customer, record, report)
    return report


def import_orders(db: Database, path: Path) -> ImportReport:
    rows = read_rows(path, ORDER_COLUMNS)
    check = _Checker(str(path))
    parsed: List[Dict[str, Any]] = []
    seen: Dict[str, int] = {}
    for row in rows:
        record = {
            "id": check.convert(row, "order_id", _order_id),
            "customer_id": check.required(row, "customer_id"),
            "placed_at": check.convert(row, "placed_at", parse_timestamp),
            "status": check.convert(row, "status", _choice(ORDER_STATUSES)),
            "total": check.convert(row, "total", _money),
            "currency": check.convert(row, "currency", _currency),
            "carrier": check.convert(row, "carrier", _text(40), optional=True),
            "tracking_number": check.convert(row, "tracking_number", _text(64), optional=True),
            "items": check.convert(row, "items", _text(4000)),
            "delivered_at": check.convert(row, "delivered_at", parse_timestamp, optional=True),
        }
        _check_order_consistency(check, row.line, record)
        if record["id"] in seen:
            check.fail(
                row.line, "order_id", f"'{record['id']}' is repeated from line {seen[record['id']]}"
            )
        elif record["id"]:
            seen[record["id"]] = row.line
        parsed.append({"line": row.line, **record})
    _raise_if(check)
    with db.session() as session:
        _check_customers_exist(session, check, parsed)
        _raise_if(check)
        report = ImportReport(str(path), "orders")
        for record in parsed:
            record.pop("line")
            _upsert(session, Order, record, report)
    return report


def _check_order_consistency(check: _Checker, line: int, record: Dict[str, Any]) -> None:
    status = record["status"]
    if record["items"] is not None and not parse_items(record["items"]):
        check.fail(line, "items", "lists no items (like 'Aurora 55\" TV x1; HDMI cable x2')")
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


def import_tickets(db: Database, path: Path) -> ImportReport:
    rows = read_rows(path, TICKET_COLUMNS)
    check = _Checker(str(path))
    parsed: List[Dict[str, Any]] = []
    seen: Dict[int, int] = {}
    for row in rows:
        record = {
            "id": check.convert(row, "ticket_id", _ticket_id),
            "customer_id": check.required(row, "customer_id"),
            "order_id": check.convert(row, "order_id", _order_id, optional=True),
            "category": check.convert(row, "category", _text(32)),
            "subject": check.convert(row, "subject", _text(200)),
            "description": check.convert(row, "description", _text(20000)),
            "urgency": check.convert(row, "urgency", _choice(URGENCIES)),
            "status": check.convert(row, "status", _choice(TICKET_STATUSES)),
            "created_at": check.convert(row, "created_at", parse_timestamp),
        }
        if record["id"] in seen:
            check.fail(row.line, "ticket_id", f"is repeated from line {seen[record['id']]}")
        elif record["id"]:
            seen[record["id"]] = row.line
        parsed.append({"line": row.line, **record, "source": "import"})
    _raise_if(check)
    with db.session() as session:
        _check_customers_exist(session, check, parsed)
        order_ids = {r["order_id"] for r in parsed if r["order_id"]}
        orders = dict(
            session.execute(
                select(Order.id, Order.customer_id).where(Order.id.in_(order_ids))
            ).all()
        )
        for record in parsed:
            if record["order_id"] and orders.get(record["order_id"]) != record["customer_id"]:
                check.fail(
                    record["line"],
                    "order_id",
                    f"{record['order_id']} is not an order of customer {record['customer_id']}",
                )
        _raise_if(check)
        report = ImportReport(str(path), "tickets")
        for record in parsed:
            record.pop("line")
            record["updated_at"] = record["created_at"]
            _upsert(session, Ticket, record, report)
        session.flush()
        if session.bind.dialect.name == "postgresql":
            # Explicit ids do not move PostgreSQL's sequence; new chat tickets must
            # not collide with imported ones.
            session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('tickets', 'id'), (SELECT MAX(id) FROM tickets))"
                )
            )
    return report


def _check_customers_exist(session: Any, check: _Checker, parsed: List[Dict[str, Any]]) -> None:
    wanted: Set[str] = {r["customer_id"] for r in parsed if r["customer_id"]}
    known = set(session.execute(select(Customer.id).where(Customer.id.in_(wanted))).scalars())
    for record in parsed:
        if record["customer_id"] and record["customer_id"] not in known:
            check.fail(
                record["line"],
                "customer_id",
                f"no customer '{record['customer_id']}' (import the customers first)",
            )


def _upsert(session: Any, model: Any, record: Dict[str, Any], report: ImportReport) -> None:
    existing = session.get(model, record["id"])
    if existing is None:
        session.add(model(**record))
        report.inserted += 1
        return
    for key, value in record.items():
        setattr(existing, key, value)
    report.updated += 1


def _raise_if(check: _Checker) -> None:
    if check.errors:
        raise ImportFailed(check.errors)


IMPORTERS = {"customers": import_customers, "orders": import_orders, "tickets": import_tickets}
IMPORT_ORDER = ("customers", "orders", "tickets")
