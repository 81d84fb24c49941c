"""The company's order-number format (company.yml `order_numbers`): how an order
number is found in what a customer types, how it is written canonically, what the
CSV import accepts, and the pattern Rasa's entity extractor is trained with.

All four come from one description of the format, so a company whose numbers look
like "ORD/12345678" edits a YAML block instead of four regular expressions that
must agree. Service core: no Rasa, no FastAPI.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, List, Optional

import yaml

from helpdesk.config import Settings
from helpdesk.text_normalization import normalize_text

# What customers put between the letters and the digits, whatever the company's own
# separator: "BW 104233", "BW_104233", "BW#104233", "BW: 104233", "BW.104233".
_TYPED_SEPARATORS = r"\s\-_#:."
# Fewer digits would be found in every quantity, price and postcode customers type.
MIN_DIGITS, MAX_DIGITS = 4, 12
# An ASCII character's full-width form (Ａ for A), as CJK keyboards type it.
FULL_WIDTH_OFFSET = 0xFEE0


class OrderNumberFormatError(ValueError):
    """company.yml's `order_numbers` does not describe a usable format; says why."""


@dataclass(frozen=True)
class OrderNumberFormat:
    """Order numbers like `example`: `prefix` (capital ASCII letters), `separator`
    (empty or one punctuation character) and exactly `digits` digits."""

    prefix: str
    separator: str
    digits: int
    example: str
    # Finds every spelling in NFKC-folded text; group 1 holds the digits.
    search_pattern: re.Pattern = field(init=False, repr=False, compare=False)
    canonical_pattern: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problem = self._problem()
        if problem:
            raise OrderNumberFormatError(problem)
        # ASCII look-arounds, not \b: Chinese characters are word characters, and
        # "订单BW104233到哪了" writes the number right against them. A number glued
        # to letters, digits or the separator ("call 555-104233") is something else.
        guard = r"A-Za-z0-9_\-" + self._extra_separator
        search = (
            rf"(?<![{guard}])(?:{re.escape(self.prefix)}[{self._separators}]*|#\s*)?"
            rf"(\d{{{self.digits}}})(?!\d)"
        )
        canonical = re.escape(self.prefix + self.separator) + f"[0-9]{{{self.digits}}}"
        object.__setattr__(self, "search_pattern", re.compile(search, re.IGNORECASE))
        object.__setattr__(self, "canonical_pattern", re.compile(canonical))
        if not self.is_canonical(self.example):
            raise OrderNumberFormatError(
                f"the example {self.example!r} does not fit the format: "
                f"{self.prefix}{self.separator} and {self.digits} digits"
            )

    def _problem(self) -> Optional[str]:
        if not re.fullmatch(r"[A-Z]+", self.prefix):
            return f"prefix {self.prefix!r} must be ASCII letters, like BW"
        if len(self.separator) > 1 or self.separator not in string.punctuation:
            return f"separator {self.separator!r} must be empty or one punctuation mark"
        if not MIN_DIGITS <= self.digits <= MAX_DIGITS:
            return f"digits must be between {MIN_DIGITS} and {MAX_DIGITS}, not {self.digits}"
        return None

    @property
    def _extra_separator(self) -> str:
        """The company's separator, when customers' usual ones do not cover it."""
        return "" if self.separator in "-_#:." else re.escape(self.separator)

    @property
    def _separators(self) -> str:
        return _TYPED_SEPARATORS + self._extra_separator

    def canonical(self, digits: str) -> str:
        """The number as records store it: "104233" -> "BW-104233"."""
        return f"{self.prefix}{self.separator}{digits}"

    def find_all(self, text: str) -> List[str]:
        """Every order number in `text`, canonical, in order, no repeats."""
        found: List[str] = []
        for match in self.search_pattern.finditer(normalize_text(text)):
            number = self.canonical(match.group(1))
            if number not in found:
                found.append(number)
        return found

    def first(self, text: str) -> Optional[str]:
        """The first order number in `text`, canonical, or None."""
        found = self.find_all(text)
        return found[0] if found else None

    def is_canonical(self, value: str) -> bool:
        """Whether `value` is written exactly as records store numbers (the CSV
        import upper-cases it first): no other spelling, no other script's digits."""
        return self.canonical_pattern.fullmatch(value) is not None

    def rasa_regex(self) -> str:
        """The pattern for Rasa's RegexEntityExtractor, which sees the raw message
        (not NFKC-folded): each letter also in its full-width form, and `＃`. Rasa
        adds no word boundaries to regexes, so the ASCII look-arounds are here."""
        letters = "".join(f"[{c}{chr(ord(c) + FULL_WIDTH_OFFSET)}]" for c in self.prefix.lower())
        return (
            rf"(?i)(?:(?<![a-z\d_]){letters}[{self._separators}]*|[#＃]\s*|(?<![a-z\d_]))"
            rf"\d{{{self.digits}}}(?![a-z\d_])"
        )


def order_number_format(kb_dir: Path) -> OrderNumberFormat:
    """The format in `kb_dir/company.yml` (read once per folder)."""
    return _format_at(Path(kb_dir).resolve())


@lru_cache(maxsize=8)
def _format_at(kb_dir: Path) -> OrderNumberFormat:
    path = kb_dir / "company.yml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    try:
        return _from_mapping(raw.get("order_numbers"))
    except OrderNumberFormatError as error:
        raise OrderNumberFormatError(f"{path}: order_numbers: {error}") from None


def _from_mapping(raw: Any) -> OrderNumberFormat:
    if not isinstance(raw, dict):
        raise OrderNumberFormatError("missing: give prefix, separator, digits and example")
    missing = [key for key in ("prefix", "digits", "example") if key not in raw]
    if missing:
        raise OrderNumberFormatError(f"{', '.join(missing)} missing")
    try:
        digits = int(raw["digits"])
    except (TypeError, ValueError):
        raise OrderNumberFormatError(f"digits {raw['digits']!r} is not a number") from None
    return OrderNumberFormat(
        prefix=str(raw["prefix"]).upper(),
        separator=str(raw.get("separator") or ""),
        digits=digits,
        example=str(raw["example"]),
    )


@lru_cache(maxsize=1)
def current_order_numbers() -> OrderNumberFormat:
    """The format of the knowledge base this process serves (KEFU_KNOWLEDGE_BASE),
    for code that parses text without a knowledge base at hand: read once, like
    the trained model built from it, so a changed format needs a restart."""
    return order_number_format(Settings.from_env().knowledge_base_dir)
