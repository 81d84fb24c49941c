"""Reading the importer's CSV files, and the row errors every import step reports.

An admin fixes a rejected file by the error list alone, so every problem names the
file, the line and the field (`customers.csv, line 7, field 'email': ...`), and a
file is read completely before the first error is raised, so one run lists them all.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Sequence

_MAX_ERRORS_SHOWN = 20
_BOM = "\ufeff"


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
class CsvRow:
    """One data line of a file: its line number (for errors) and its cells by column."""

    line: int
    values: Dict[str, str]


@dataclass
class RowChecker:
    """Collects the errors of one file while its rows are converted, so the admin
    sees every problem of the file at once rather than one per run."""

    file: str
    errors: List[RowError] = field(default_factory=list)

    def fail(self, line: int, column: str, message: str) -> None:
        self.errors.append(RowError(self.file, line, column, message))

    def convert(
        self, row: CsvRow, column: str, parse: Callable[[str], Any], optional: bool = False
    ) -> Any:
        """`parse(cell)`, or None with an error recorded. A parser reports a bad
        value with ValueError; an arithmetic error is caught too, so no value in a
        file can end the import with a traceback instead of a row error."""
        raw = row.values.get(column, "").strip()
        if not raw:
            if not optional:
                self.fail(row.line, column, "is required")
            return None
        try:
            return parse(raw)
        except ValueError as error:
            self.fail(row.line, column, str(error))
        except ArithmeticError:
            self.fail(row.line, column, f"'{raw[:40]}' is not a valid value")
        return None

    def raise_if_failed(self) -> None:
        """Raises every error so far, in the order of the file's lines."""
        if self.errors:
            raise ImportFailed(sorted(self.errors, key=lambda error: error.line))


def read_rows(path: Path, columns: Sequence[str]) -> List[CsvRow]:
    """Reads a CSV file whose header names exactly `columns` (in any order)."""
    name = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFailed([RowError(name, 0, "-", "file not found")]) from None
    except OSError as error:
        raise ImportFailed([RowError(name, 0, "-", f"cannot be read: {error.strerror}")]) from None
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
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
    # A second byte-order mark (a file saved twice by a spreadsheet) would otherwise
    # hide the first column's name.
    header = [column.strip().lstrip(_BOM).strip().lower() for column in header]
    _check_header(name, header, columns)
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
        rows.append(CsvRow(reader.line_num, dict(zip(header, record, strict=True))))
    if errors:
        raise ImportFailed(errors)
    return rows


def _check_header(name: str, header: List[str], columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in header]
    unknown = [c for c in header if c not in columns]
    repeated = len(set(header)) != len(header)
    if not (missing or unknown or repeated):
        return
    problems = []
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown {', '.join(repr(c) for c in unknown)}")
    if repeated:
        problems.append("a column is repeated")
    raise ImportFailed(
        [RowError(name, 1, "header", f"expected {','.join(columns)} ({'; '.join(problems)})")]
    )
