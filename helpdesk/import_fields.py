"""Parsing one CSV cell into the value Kefu stores, or a ValueError saying why not.

Every parser is strict on purpose: a value the database or the display code cannot
hold (a total of `NaN` or `1e400`, the year 9999 with a zone that pushes it past the
calendar, a control character that PostgreSQL refuses, digits from another script
in an order number) must become a row error here, before anything is written,
never a traceback half-way through an import.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Callable, Iterable

from helpdesk.order_numbers import current_order_numbers
from helpdesk.parsing import parse_email, parse_items

# The `Money` column stores integer cents (a 32-bit integer on PostgreSQL, whose
# limit is about 21 million): no order of an electronics shop comes near this.
MAX_TOTAL = Decimal("10000000.00")
# Dates outside these years are typing mistakes; inside them every conversion
# between time zones stays on the calendar.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
# The longest quantity on one item line ("HDMI cable x2").
MAX_QUANTITY = 9999
MAX_EMAIL_CHARS = 320  # the column's width

_TICKET_ID = re.compile(r"(?:T-)?([0-9]{1,7})", re.IGNORECASE)
_AMOUNT = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
_TIMESTAMP = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"(?:[T ](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})"
    r"(?::(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]{1,6}))?)?"
    r"(?P<zone>Z|[+-][0-9]{2}:[0-9]{2})?)?",
    re.IGNORECASE,
)
# Invisible characters that change how text reads or where it breaks: a stray
# byte-order mark (from files joined together), bidirectional overrides (which
# can make "C1001" display as something else in the console), line separators.
_INVISIBLE = (
    {"\ufeff", "\u2028", "\u2029"}
    | {chr(c) for c in range(0x202A, 0x202F)}
    | {chr(c) for c in range(0x2066, 0x206A)}
)


def parse_timestamp(raw: str, zone: tzinfo = timezone.utc) -> datetime:
    """ISO 8601 date or date-time, as an aware datetime.

    A date without a time (`2026-09-17`) is a calendar day of the company, so it
    is the start of that day in the company's time zone `zone`: shown in that zone
    it is the same date again, where midnight UTC would read as the day before in
    the Americas. A time without a zone is UTC, as the README documents."""
    match = _TIMESTAMP.fullmatch(raw.strip())
    example = "like 2026-03-01 or 2026-03-01T14:30:00Z"
    if not match:
        raise ValueError(f"'{_shown(raw)}' is not an ISO 8601 date ({example})")
    parts = match.groupdict()
    year = int(parts["year"])
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValueError(
            f"'{_shown(raw)}' is not a plausible date (years {EARLIEST_YEAR}-{LATEST_YEAR})"
        )
    if parts["hour"] is None:
        moment_zone: tzinfo = zone
    elif parts["zone"] is None or parts["zone"].upper() == "Z":
        moment_zone = timezone.utc
    else:
        sign = -1 if parts["zone"][0] == "-" else 1
        hours, minutes = int(parts["zone"][1:3]), int(parts["zone"][4:6])
        if hours > 23 or minutes > 59:
            raise ValueError(f"'{_shown(raw)}' has an impossible time zone offset")
        moment_zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        return datetime(
            year,
            int(parts["month"]),
            int(parts["day"]),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            int((parts["fraction"] or "0").ljust(6, "0")),
            tzinfo=moment_zone,
        )
    except ValueError:
        raise ValueError(f"'{_shown(raw)}' is not a date on the calendar ({example})") from None


def choice(options: Iterable[str]) -> Callable[[str], str]:
    allowed = tuple(options)

    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in allowed:
            raise ValueError(f"'{_shown(raw)}' is not one of {', '.join(allowed)}")
        return value

    return parse


def email(raw: str) -> str:
    if len(raw) > MAX_EMAIL_CHARS:
        raise ValueError(f"is longer than {MAX_EMAIL_CHARS} characters")
    address = parse_email(raw)
    if address is None or address != raw.strip().lower():
        raise ValueError(f"'{_shown(raw)}' is not an email address")
    return address


def order_id(raw: str) -> str:
    """An order number written as the company writes them (company.yml
    `order_numbers`), in any case: the records hold exactly that spelling."""
    numbers = current_order_numbers()
    value = raw.strip().upper()
    if not numbers.is_canonical(value):
        raise ValueError(f"'{_shown(raw)}' is not an order number like {numbers.example}")
    return value


def ticket_id(raw: str) -> int:
    match = _TICKET_ID.fullmatch(raw.strip())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"'{_shown(raw)}' is not a ticket number like T-00042")
    return int(match.group(1))


def money(raw: str) -> Decimal:
    """A total like `1299.99` or `1,299.99`: plain digits only, so `NaN`, `sNaN`,
    `Infinity` and `1e400` (which Decimal would accept) are refused, as is
    anything the Money column cannot store in whole cents."""
    value = raw.strip()
    if not _AMOUNT.fullmatch(value):
        raise ValueError(f"'{_shown(raw)}' is not an amount (like 1299.99)")
    amount = Decimal(value.replace(",", ""))
    if amount > MAX_TOTAL:
        raise ValueError(f"'{_shown(raw)}' is more than the largest total, {MAX_TOTAL:,}")
    cents = amount.quantize(Decimal("0.01"))
    if cents != amount:
        raise ValueError(f"'{_shown(raw)}' has fractions of a cent")
    return cents


def currency(raw: str) -> str:
    value = raw.strip()
    if not (value.isascii() and re.fullmatch(r"[A-Za-z]{3}", value)):
        raise ValueError(f"'{_shown(raw)}' is not a three-letter currency code")
    return value.upper()


def single_line(limit: int) -> Callable[[str], str]:
    """Names, ids, subjects: text without control or invisible characters."""

    def parse(raw: str) -> str:
        return _checked_text(raw, limit, allowed="")

    return parse


def multi_line(limit: int) -> Callable[[str], str]:
    """Descriptions: text that may contain line breaks and tabs."""

    def parse(raw: str) -> str:
        return _checked_text(raw, limit, allowed="\n\r\t")

    return parse


def items(limit: int) -> Callable[[str], str]:
    """`Aurora 55" TV x1; HDMI cable x2`: at least one item, sane quantities."""

    def parse(raw: str) -> str:
        value = _checked_text(raw, limit, allowed="")
        listed = parse_items(value)
        if not listed:
            raise ValueError("lists no items (like 'Aurora 55\" TV x1; HDMI cable x2')")
        for name, quantity in listed:
            if not 1 <= quantity <= MAX_QUANTITY:
                raise ValueError(
                    f"'{_shown(name)}' has a quantity of {_shown(str(quantity))} "
                    f"(1 to {MAX_QUANTITY} per line)"
                )
        return value

    return parse


def _checked_text(raw: str, limit: int, allowed: str) -> str:
    if len(raw) > limit:
        raise ValueError(f"is longer than {limit} characters")
    for position, character in enumerate(raw, start=1):
        if character in allowed:
            continue
        category = unicodedata.category(character)
        if character in _INVISIBLE or category in ("Cc", "Cs"):
            kind = "control" if category == "Cc" else "invisible"
            hint = " (a byte-order mark: was the file joined from several?)"
            raise ValueError(
                f"contains the {kind} character U+{ord(character):04X} at position {position}"
                + (hint if character == "\ufeff" else "")
            )
    return raw.strip()


def _shown(raw: str, limit: int = 40) -> str:
    """A value quoted back in an error: short, with invisible characters visible."""
    shortened = raw if len(raw) <= limit else raw[:limit] + "…"
    return "".join(
        f"\\u{ord(c):04x}" if c in _INVISIBLE or unicodedata.category(c)[0] == "C" else c
        for c in shortened
    )
