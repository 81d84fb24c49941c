"""The customer's record as an agent needs it on one screen: who they are, their
orders and tickets, how they rated us before, and three judgements an agent would
otherwise work out by hand — lifetime value, lifecycle stage and churn risk.

The judgements are simple, stated rules (see `lifecycle_stage` and `churn_risk`),
shown with their reasons, so an agent can see why and disagree. The reasons are
worded in the console's language (the catalogue's `summary.churn_*`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Dict, List, Optional, Tuple

from helpdesk.conversation_records import ConversationRecords
from helpdesk.desk_texts import DeskTexts, default_texts
from helpdesk.records import CustomerRecords, CustomerView, OrderView, TicketView

# Orders that count towards what a customer has spent with us.
SPENDING_STATUSES = ("processing", "shipped", "delivered")


@dataclass(frozen=True)
class RatingView:
    rating: int
    comment: Optional[str]
    created_at: datetime
    with_agent: bool


@dataclass(frozen=True)
class CustomerProfile:
    customer: CustomerView
    orders: List[OrderView]
    tickets: List[TicketView]
    ratings: List[RatingView]
    # What the customer spent, per currency, largest first (orders may be in
    # several currencies; amounts in different currencies are never added up).
    spend_by_currency: Tuple[Tuple[str, Decimal], ...]
    order_count: int
    lifecycle_stage: str
    churn_risk: str  # low | medium | high
    churn_reasons: Tuple[str, ...]

    @property
    def lifetime_spend(self) -> Decimal:
        """In the customer's main currency (`currency`)."""
        return self.spend_by_currency[0][1] if self.spend_by_currency else Decimal("0.00")

    @property
    def currency(self) -> str:
        return self.spend_by_currency[0][0] if self.spend_by_currency else "USD"

    @property
    def average_rating(self) -> Optional[float]:
        if not self.ratings:
            return None
        return round(sum(r.rating for r in self.ratings) / len(self.ratings), 1)


def build_profile(
    records: CustomerRecords,
    conversations: ConversationRecords,
    customer_id: str,
    now: datetime,
    language: Optional[str] = None,
    texts: Optional[DeskTexts] = None,
) -> Optional[CustomerProfile]:
    """The customer's record, its judgements' reasons in `language` (default: the
    company's default language, the console's)."""
    customer = records.get_customer(customer_id)
    if customer is None:
        return None
    orders = records.list_orders(customer_id, limit=500)
    tickets = records.list_tickets(customer_id)
    ratings = [
        RatingView(r.rating, r.comment, r.created_at, r.handoff_id is not None)
        for r in conversations.ratings_for_customer(customer_id)
    ]
    spend: Dict[str, Decimal] = {}
    for order in orders:
        if order.status in SPENDING_STATUSES:
            spend[order.currency] = spend.get(order.currency, Decimal("0.00")) + order.total
    risk, reasons = churn_risk(orders, tickets, ratings, now, language, texts)
    return CustomerProfile(
        customer=customer,
        orders=orders,
        tickets=tickets,
        ratings=ratings,
        spend_by_currency=tuple(sorted(spend.items(), key=lambda item: -item[1])),
        order_count=len(orders),
        lifecycle_stage=lifecycle_stage(customer, orders, now),
        churn_risk=risk,
        churn_reasons=reasons,
    )


def lifecycle_stage(customer: CustomerView, orders: List[OrderView], now: datetime) -> str:
    """new (joined in the last 90 days, at most one order), active (ordered in the
    last 180 days), lapsing (last order 6–12 months ago), lapsed (over a year), or
    prospect (no orders yet)."""
    if not orders:
        return "prospect"
    last = max(o.placed_at for o in orders)
    if now - customer.created_at <= timedelta(days=90) and len(orders) <= 1:
        return "new"
    if now - last <= timedelta(days=180):
        return "active"
    if now - last <= timedelta(days=365):
        return "lapsing"
    return "lapsed"


def churn_risk(
    orders: List[OrderView],
    tickets: List[TicketView],
    ratings: List[RatingView],
    now: datetime,
    language: Optional[str] = None,
    texts: Optional[DeskTexts] = None,
) -> Tuple[str, Tuple[str, ...]]:
    """Points for what usually comes before a customer leaves; 0–1 low, 2–3 medium,
    4+ high."""
    catalogue = default_texts(texts)

    def say(key: str, **values: object) -> str:
        return catalogue.say(f"summary.{key}", language, **values)

    points = 0
    reasons: List[str] = []
    open_tickets = [t for t in tickets if t.is_open]
    if len(open_tickets) >= 2:
        points += 2
        reasons.append(say("churn_open_tickets", count=len(open_tickets)))
    elif open_tickets:
        points += 1
        reasons.append(say("churn_open_ticket"))
    recent = [r for r in ratings[:3] if r.rating <= 2]
    if recent:
        points += 2
        reasons.append(say("churn_low_rating"))
    returned = [o for o in orders if o.status in ("returned", "cancelled")]
    if orders and len(returned) * 3 >= len(orders):
        points += 1
        reasons.append(say("churn_returns", returned=len(returned), orders=len(orders)))
    if orders and now - max(o.placed_at for o in orders) > timedelta(days=365):
        points += 1
        reasons.append(say("churn_no_recent_order"))
    level = "high" if points >= 4 else "medium" if points >= 2 else "low"
    return level, tuple(reasons)
