"""How records read in a chat: dates in the company's time zone, money, orders."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Dict, List, Optional

from helpdesk.company import CompanyFacts
from helpdesk.records import OrderView, TicketView

_CURRENCY_SIGNS = {"USD": "$", "CAD": "CA$"}

STATUS_WORDS = {
    "processing": "being prepared (not shipped yet)",
    "shipped": "on its way",
    "delivered": "delivered",
    "cancelled": "cancelled",
    "returned": "returned",
}
TICKET_STATUS_WORDS = {
    "open": "open — waiting for our team",
    "pending": "waiting for your reply",
    "solved": "solved",
    "closed": "closed",
}


def quoted(text: Optional[str]) -> str:
    """Text someone else wrote (a customer's description, a ticket subject made
    from it), as a literal span the widget shows as written: never as a link, bold
    or a list, so "[Reset your password](https://evil.example)" stays those words."""
    flat = " ".join(str(text or "").replace("`", "'").split())
    return f"`{flat}`" if flat else ""


def money(amount: Decimal, currency: str) -> str:
    sign = _CURRENCY_SIGNS.get(currency.upper())
    return f"{sign}{amount:,.2f}" if sign else f"{amount:,.2f} {currency.upper()}"


def day(facts: CompanyFacts, moment: Optional[datetime]) -> str:
    if moment is None:
        return "—"
    local = moment.astimezone(facts.hours.zone)
    return f"{local.strftime('%b')} {local.day}, {local.year}"


def items_line(order: OrderView) -> str:
    return ", ".join(f"{name} ×{qty}" for name, qty in order.items) or "—"


def tracking_line(facts: CompanyFacts, order: OrderView) -> Optional[str]:
    if not order.tracking_number:
        return None
    carrier = order.carrier or "the carrier"
    url = facts.tracking_url(order.carrier, order.tracking_number)
    link = f" ([track it]({url}))" if url else ""
    return f"{carrier} tracking number {order.tracking_number}{link}"


def order_summary(facts: CompanyFacts, order: OrderView) -> str:
    """A few lines a customer can read at a glance."""
    lines = [
        f"Order {order.id}, placed {day(facts, order.placed_at)}: {STATUS_WORDS.get(order.status, order.status)}."
    ]
    if order.status == "delivered" and order.delivered_at:
        lines.append(f"Delivered on {day(facts, order.delivered_at)}.")
    if order.status == "returned" and order.delivered_at:
        lines.append(
            f"It was delivered on {day(facts, order.delivered_at)} and has since been returned."
        )
    tracking = tracking_line(facts, order)
    if tracking and order.status in ("shipped", "delivered"):
        lines.append(f"Shipped with {tracking}.")
    lines.append(f"Items: {items_line(order)}. Total {money(order.total, order.currency)}.")
    return "\n".join(lines)


def order_button(order: OrderView) -> Dict[str, str]:
    first_item = order.items[0][0] if order.items else "order"
    return {
        "title": f"{order.id} ({first_item})",
        "payload": f'/inform{{"order_id": "{order.id}"}}',
    }


def ticket_summary(facts: CompanyFacts, ticket: TicketView) -> str:
    category = facts.ticket_categories.get(ticket.category)
    label = category.label if category else ticket.category
    lines = [
        f"Ticket {ticket.ref} — {quoted(ticket.subject)}",
        f"Status: {TICKET_STATUS_WORDS.get(ticket.status, ticket.status)}. "
        f"Opened {day(facts, ticket.created_at)}, last updated {day(facts, ticket.updated_at)}. Category: {label}.",
    ]
    replies = [c for c in ticket.comments if c.author_type == "agent" and not c.internal]
    if replies:
        latest = replies[-1]
        # An agent's words keep their links (a return label, say); customers' do not.
        lines.append(f'Latest reply from {latest.author_name or "our team"}: "{latest.body}"')
    return "\n".join(lines)


def bullet_list(lines: List[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)
