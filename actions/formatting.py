"""How records read in a chat, in the conversation's language: an order's summary,
a ticket's, the buttons that offer them. The words come from the reply catalogue
(`orders`, `tickets` and `buttons` areas); dates and money from the localizer."""

from __future__ import annotations

from typing import Dict, List, Optional

from actions.speech import Speech
from helpdesk.records import OrderView, TicketView


def quoted(text: Optional[str]) -> str:
    """Text someone else wrote (a customer's description, a ticket subject made
    from it), as a literal span the widget shows as written: never as a link, bold
    or a list, so "[Reset your password](https://evil.example)" stays those words."""
    flat = " ".join(str(text or "").replace("`", "'").split())
    return f"`{flat}`" if flat else ""


def order_status(speech: Speech, status: str) -> str:
    """ "on its way": the status as an order's summary tells it."""
    return speech.word(f"orders.status_{status}", status)


def order_state(speech: Speech, status: str) -> str:
    """ "shipped": the status in a word, inside a sentence."""
    return speech.word(f"orders.state_{status}", status)


def ticket_state(speech: Speech, status: str) -> str:
    return speech.word(f"tickets.state_{status}", status)


def items_line(speech: Speech, order: OrderView) -> str:
    items = [
        speech.say("orders.item_quantity", name=name, quantity=qty) for name, qty in order.items
    ]
    return speech.listing(items) or "—"


def tracking_line(speech: Speech, order: OrderView) -> Optional[str]:
    if not order.tracking_number:
        return None
    carrier = order.carrier or speech.say("orders.unknown_carrier")
    url = speech.facts.tracking_url(order.carrier, order.tracking_number)
    if url:
        return speech.say(
            "orders.tracking_with_link", carrier=carrier, number=order.tracking_number, url=url
        )
    return speech.say("orders.tracking", carrier=carrier, number=order.tracking_number)


def order_summary(speech: Speech, order: OrderView) -> str:
    """A few lines a customer can read at a glance."""
    lines = [
        speech.say(
            "orders.summary",
            order_id=order.id,
            placed=speech.date(order.placed_at),
            status=order_status(speech, order.status),
        )
    ]
    if order.status == "delivered" and order.delivered_at:
        lines.append(speech.say("orders.delivered_on", date=speech.date(order.delivered_at)))
    if order.status == "returned" and order.delivered_at:
        lines.append(
            speech.say("orders.returned_after_delivery", date=speech.date(order.delivered_at))
        )
    tracking = tracking_line(speech, order)
    if tracking and order.status in ("shipped", "delivered"):
        lines.append(speech.say("orders.shipped_with", tracking=tracking))
    lines.append(
        speech.say(
            "orders.items_total",
            items=items_line(speech, order),
            total=speech.money(order.total, order.currency),
        )
    )
    return "\n".join(lines)


def order_button(speech: Speech, order: OrderView) -> Dict[str, str]:
    payload = f'/inform{{"order_id": "{order.id}"}}'
    if not order.items:
        return speech.button("buttons.order_without_items", payload, order_id=order.id)
    return speech.button("buttons.order", payload, order_id=order.id, item=order.items[0][0])


def ticket_summary(speech: Speech, ticket: TicketView) -> str:
    category = speech.facts.ticket_categories.get(ticket.category)
    lines = [
        speech.say("tickets.summary_title", ticket=ticket.ref, subject=quoted(ticket.subject)),
        speech.say(
            "tickets.summary_status",
            status=speech.word(f"tickets.status_{ticket.status}", ticket.status),
            opened=speech.date(ticket.created_at),
            updated=speech.date(ticket.updated_at),
            category=category.label if category else ticket.category,
        ),
    ]
    replies = [c for c in ticket.comments if c.author_type == "agent" and not c.internal]
    if replies:
        latest = replies[-1]
        # An agent's words keep their links (a return label, say); customers' do not.
        lines.append(
            speech.say(
                "tickets.latest_reply",
                author=latest.author_name or speech.say("tickets.our_team"),
                body=latest.body,
            )
        )
    return "\n".join(lines)


def bullet_list(lines: List[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)
