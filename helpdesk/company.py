"""The company's facts, read from `knowledge_base/company.yml`.

Keeping them as data means re-branding Kefu is an edit of the knowledge base, not of
code: the actions and pages only ever read `CompanyFacts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from helpdesk.order_numbers import OrderNumberFormat, order_number_format
from helpdesk.support_hours import SupportHours
from helpdesk.ticket_categories import CategoryClassifier

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Tier:
    key: str
    label: str
    first_response_hours: Optional[int]  # business hours, or
    first_response_days: Optional[int]  # business days
    priority_weight: int
    # How soon an agent should pick up a live chat the bot handed over.
    chat_pickup_minutes: int = 5
    # A ticket's resolution target, in business hours or days (helpdesk/ticket_sla.py).
    resolution_hours: Optional[int] = None
    resolution_days: Optional[int] = None
    # A target's clock is "at risk" once no more than this share of its time is left.
    sla_at_risk_fraction: float = 0.25

    def describe_target(self) -> str:
        """ "1 business hour", "4 business hours", "1 business day"."""
        if self.first_response_hours is not None:
            n, unit = self.first_response_hours, "business hour"
        else:
            n, unit = self.first_response_days or 1, "business day"
        return f"{n} {unit}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class TicketCategory:
    key: str
    label: str
    needs_order: bool
    # how customers describe this kind of problem (trains helpdesk.ticket_categories)
    examples: Tuple[str, ...]
    # the knowledge-base topic whose rule applies ("report within 48 hours")
    policy_topic: Optional[str] = None


@dataclass(frozen=True)
class FaqThresholds:
    """How sure the bot must be before it quotes an article (company.yml `faq`;
    helpdesk/faq_matcher.py explains the two signals)."""

    min_confidence: float = 0.45
    min_similarity: float = 0.2
    # A second question inside a message is answered only when surer than this.
    clause_min_confidence: float = 0.6
    clause_min_similarity: float = 0.4
    # No topic is sure alone, but the best two hold most of the probability and
    # both resemble the question: it is about both ("do members get free express?").
    pair_min_confidence: float = 0.3
    pair_min_total: float = 0.6
    pair_min_similarity: float = 0.4
    # The runner-up (of a pair, or beside a sure answer) is quoted only when at
    # least this likely.
    second_min_confidence: float = 0.25
    # A topic that stands out by similarity (this close to the question, and this
    # much closer than any other ranked topic) is sure at a lower probability: the
    # classifier spreads its belief when the words are new, the closeness does not.
    standout_min_confidence: float = 0.2
    standout_min_similarity: float = 0.5
    standout_min_margin: float = 0.15


@dataclass(frozen=True)
class CompanyFacts:
    name: str
    website: str
    help_center_title: str
    support_email: str
    support_phone: str
    premier_phone: str
    hours: SupportHours
    tiers: Dict[str, Tier]
    urgencies: Dict[str, Tuple[str, int]]  # key -> (label, weight)
    ticket_categories: Dict[str, TicketCategory]
    faq: FaqThresholds
    faq_suggestions: int
    # how order numbers look ("BW-104233"), the same in every language
    order_numbers: OrderNumberFormat
    ticket_category_min_confidence: float = 0.45
    faq_fallback_min_confidence: float = 0.5
    faq_fallback_min_similarity: float = 0.4
    # topic id -> (button title, intent that acts on it)
    faq_follow_ups: Dict[str, Tuple[str, str]] = field(default_factory=dict)
    # intent -> the topics a request of that kind may answer before acting
    faq_answer_first: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    carrier_tracking_urls: Dict[str, str] = field(default_factory=dict)
    weekly_hours_text: List[str] = field(default_factory=list)

    def tier(self, key: Optional[str]) -> Tier:
        return self.tiers.get((key or "standard").lower(), self.tiers["standard"])

    def urgency_weight(self, key: Optional[str]) -> int:
        return self.urgencies.get(key or "normal", ("", 2))[1]

    @property
    def support_hours_text(self) -> str:
        """ "Monday–Friday 8:00–20:00, Saturday 9:00–17:00 Eastern"."""
        open_days = [line for line in self.weekly_hours_text if not line.endswith("closed")]
        return f"{', '.join(open_days)} {self.hours.timezone_label}".strip()

    def tracking_url(self, carrier: Optional[str], tracking_number: str) -> Optional[str]:
        template = self.carrier_tracking_urls.get((carrier or "").strip())
        return template.format(tracking_number=tracking_number) if template else None

    def guess_category(self, text: str) -> Optional[str]:
        """The ticket category the customer's own description most likely belongs
        to, if any is likely enough; the customer still confirms it."""
        guess = self.category_classifier().guess(text)
        return guess.key if guess else None

    def category_classifier(self) -> CategoryClassifier:
        return _category_classifier(
            tuple(
                (key, cat.examples) for key, cat in self.ticket_categories.items() if cat.examples
            ),
            self.ticket_category_min_confidence,
        )


@lru_cache(maxsize=8)
def _category_classifier(
    examples: Tuple[Tuple[str, Tuple[str, ...]], ...], min_confidence: float
) -> CategoryClassifier:
    return CategoryClassifier(dict(examples), min_confidence)


def load_company(kb_dir: Path, language: Optional[str] = None) -> CompanyFacts:
    """Reads `company.yml` from the knowledge-base folder; for another language
    than the default, with `<language>/company.yml` laid over it (the labels,
    button titles and example descriptions a customer of that language reads)."""
    return _load_company(Path(kb_dir).resolve(), language or "")


def _overlay(base: object, over: object) -> object:
    """`over` laid on `base`: mappings merge key by key, anything else is replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for key, value in over.items():
            merged[key] = _overlay(base.get(key), value) if key in base else value
        return merged
    return over


@lru_cache(maxsize=16)
def _load_company(kb_dir: Path, language: str) -> CompanyFacts:
    raw = yaml.safe_load((kb_dir / "company.yml").read_text(encoding="utf-8"))
    overlay = kb_dir / language / "company.yml" if language else None
    if overlay is not None and overlay.is_file():
        raw = _overlay(raw, yaml.safe_load(overlay.read_text(encoding="utf-8")) or {})
    company = raw["company"]
    hours_raw = raw["support_hours"]
    weekly = {
        WEEKDAYS.index(day): (span[0], span[1])
        for day, span in (hours_raw.get("weekly") or {}).items()
    }
    hours = SupportHours(
        weekly=weekly,
        timezone=hours_raw["timezone"],
        timezone_label=hours_raw.get("timezone_label", hours_raw["timezone"]),
        holiday_country=hours_raw.get("holiday_country"),
    )
    tiers = {
        key: Tier(
            key=key,
            label=value["label"],
            first_response_hours=value["first_response"].get("business_hours"),
            first_response_days=value["first_response"].get("business_days"),
            priority_weight=int(value.get("priority_weight", 1)),
            chat_pickup_minutes=int(value.get("chat_pickup_minutes", 5)),
            resolution_hours=(value.get("resolution") or {}).get("business_hours"),
            resolution_days=(value.get("resolution") or {}).get("business_days"),
            sla_at_risk_fraction=float(value.get("sla_at_risk_fraction", 0.25)),
        )
        for key, value in raw["tiers"].items()
    }
    categories = {
        key: TicketCategory(
            key=key,
            label=value["label"],
            needs_order=bool(value.get("needs_order")),
            examples=tuple(str(e) for e in value.get("examples") or ()),
            policy_topic=value.get("policy_topic"),
        )
        for key, value in raw["ticket_categories"].items()
    }
    faq = raw.get("faq") or {}
    return CompanyFacts(
        name=company["name"],
        website=company["website"],
        help_center_title=company.get("help_center_title", f"{company['name']} Help"),
        support_email=company["support_email"],
        support_phone=company["support_phone"],
        premier_phone=company.get("premier_phone", company["support_phone"]),
        hours=hours,
        tiers=tiers,
        urgencies={
            key: (value["label"], int(value["weight"])) for key, value in raw["urgencies"].items()
        },
        ticket_categories=categories,
        ticket_category_min_confidence=float(
            (raw.get("ticket_category_guess") or {}).get("min_confidence", 0.45)
        ),
        faq=FaqThresholds(
            **{f.name: float(faq[f.name]) for f in fields(FaqThresholds) if f.name in faq}
        ),
        faq_suggestions=int(faq.get("suggestions", 3)),
        order_numbers=order_number_format(kb_dir),
        faq_fallback_min_confidence=float(faq.get("fallback_min_confidence", 0.5)),
        faq_fallback_min_similarity=float(faq.get("fallback_min_similarity", 0.4)),
        faq_follow_ups={
            topic: (str(offer["title"]), str(offer["intent"]))
            for topic, offer in (faq.get("follow_ups") or {}).items()
        },
        faq_answer_first={
            intent: tuple(str(t) for t in topics or ())
            for intent, topics in (faq.get("answer_first") or {}).items()
        },
        carrier_tracking_urls=dict(raw.get("carriers") or {}),
        weekly_hours_text=hours.describe_week(),
    )
