"""Writing a checked file to the database in short transactions, and saying exactly
what changed.

A file is written in batches of `BATCH_ROWS` rows, one transaction each: SQLite
has one write lock for the whole database, and a file written in one transaction
held it for minutes, so the bot's own writes (tickets, handoffs, ratings) waited
and live chats stalled. Between batches other writers get the lock.

Because the file was checked completely before the first batch, a batch fails only
when the database does (or when a row changed under the import); everything written
before it stays, and since rows are matched on their id, running the same import
again finishes the job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from helpdesk.db import Database

BATCH_ROWS = 500
# How many ids one `IN (...)` query carries (SQLite's old limit is 999 parameters).
_LOOKUP_CHUNK = 500

Key = TypeVar("Key")


@dataclass
class ImportReport:
    """What one file did to the database: rows added, rows whose values changed
    (and how often each field changed), rows that were already as in the file."""

    file: str
    kind: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    changed_fields: Dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        """Rows of the file that are now in the database as the file says."""
        return self.inserted + self.updated + self.unchanged

    def merge(self, other: ImportReport) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        for name, times in other.changed_fields.items():
            self.changed_fields[name] = self.changed_fields.get(name, 0) + times

    def __str__(self) -> str:
        """ "orders.csv: 3 orders added, 2 updated (status 2, delivered_at 1), 88 unchanged"."""
        fields = sorted(self.changed_fields.items(), key=lambda item: (-item[1], item[0]))
        detail = f" ({', '.join(f'{name} {times}' for name, times in fields)})" if fields else ""
        return (
            f"{self.file}: {self.inserted} {self.kind} added, {self.updated} updated{detail}, "
            f"{self.unchanged} unchanged"
        )


class ImportInterrupted(Exception):
    """Part of a file was written, then a batch failed. `report` counts exactly the
    rows of the batches that were committed; the failed batch wrote nothing."""

    def __init__(self, report: ImportReport, total_rows: int, reason: str) -> None:
        self.report = report
        self.total_rows = total_rows
        self.reason = reason
        super().__init__(
            f"{report.file}: stopped after {report.rows} of {total_rows} rows were written "
            f"({report.inserted} added, {report.updated} updated, {report.unchanged} unchanged): "
            f"{reason}. The rows written are complete; run the same import again to finish "
            f"it (rows already written are found unchanged)."
        )


@dataclass(frozen=True)
class PendingRow:
    """A checked row: its line in the file (for messages) and the model's values."""

    line: int
    values: Dict[str, Any]


# (the row in the database, the row from the file) -> why it must not be written, or None
Guard = Callable[[Any, PendingRow], Optional[str]]


class _Refused(Exception):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def lookup(session: Session, key: Any, value: Any, keys: Iterable[Key]) -> Dict[Key, Any]:
    """{key: value} for the rows whose column `key` is one of `keys`, a few hundred
    ids per query, so a file of any size can be checked against the database."""
    wanted: List[Key] = sorted(set(keys))
    found: Dict[Key, Any] = {}
    for start in range(0, len(wanted), _LOOKUP_CHUNK):
        chunk = wanted[start : start + _LOOKUP_CHUNK]
        found.update(session.execute(select(key, value).where(key.in_(chunk))).all())
    return found


def write_in_batches(
    db: Database,
    model: Any,
    rows: Sequence[PendingRow],
    report: ImportReport,
    *,
    batch_rows: int = BATCH_ROWS,
    insert_extras: Optional[Callable[[Dict[str, Any]], Dict[str, Any]]] = None,
    guard: Optional[Guard] = None,
    after_batch: Optional[Callable[[Session], None]] = None,
) -> ImportReport:
    """Inserts or updates `rows` (matched on `id`), one transaction per batch.

    Only fields whose value differs are written, so a row already as in the file
    is counted unchanged and keeps its `updated_at`. `insert_extras(values)` adds
    values a new row needs beyond the file's. `guard` is asked again inside each
    batch, because the bot may have written a row since the file was checked.
    `after_batch(session)` runs inside each batch's transaction."""
    total = len(rows)
    for start in range(0, total, max(1, batch_rows)):
        batch = rows[start : start + max(1, batch_rows)]
        batch_report = ImportReport(report.file, report.kind)
        try:
            with db.session() as session:
                _write_batch(session, model, batch, batch_report, insert_extras, guard)
                session.flush()
                if after_batch is not None:
                    after_batch(session)
        except _Refused as refused:
            raise ImportInterrupted(
                report, total, f"line {refused.line} changed during the import: {refused.reason}"
            ) from None
        except SQLAlchemyError as error:
            raise ImportInterrupted(
                report, total, f"the database failed ({_describe(error)})"
            ) from error
        except KeyboardInterrupt:
            raise ImportInterrupted(report, total, "the import was interrupted") from None
        report.merge(batch_report)
    return report


def _write_batch(
    session: Session,
    model: Any,
    batch: Sequence[PendingRow],
    report: ImportReport,
    insert_extras: Optional[Callable[[Dict[str, Any]], Dict[str, Any]]],
    guard: Optional[Guard],
) -> None:
    ids = [row.values["id"] for row in batch]
    existing = {
        stored.id: stored
        for stored in session.execute(select(model).where(model.id.in_(ids))).scalars()
    }
    for row in batch:
        stored = existing.get(row.values["id"])
        if stored is None:
            extras = insert_extras(row.values) if insert_extras else {}
            session.add(model(**row.values, **extras))
            report.inserted += 1
            continue
        refusal = guard(stored, row) if guard else None
        if refusal:
            raise _Refused(row.line, refusal)
        changed = [name for name, value in row.values.items() if getattr(stored, name) != value]
        if not changed:
            report.unchanged += 1
            continue
        for name in changed:
            setattr(stored, name, row.values[name])
            report.changed_fields[name] = report.changed_fields.get(name, 0) + 1
        report.updated += 1


def _describe(error: SQLAlchemyError) -> str:
    original = getattr(error, "orig", None)
    text = str(original if original is not None else error).strip().splitlines()
    return f"{type(original or error).__name__}: {text[0] if text else ''}"
