"""The placeholders of canned replies and what they mean in one chat.

    {first_name}  {customer_name}  {order_id}  {ticket_ref}  {agent_name}  {company}

Kept apart from the replies' store (helpdesk/canned_replies.py) because filling a
reply needs only the chat, not the database: the web app fills a reply for the chat
an agent holds, and tests check a reply the way the console shows it.
"""

from __future__ import annotations

import re
from typing import Dict, List, Mapping, Optional, Tuple

from helpdesk.handoffs.views import HandoffDetail
from helpdesk.parsing import format_ticket_ref, parse_ticket_id

PLACEHOLDERS = ("first_name", "customer_name", "order_id", "ticket_ref", "agent_name", "company")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def placeholders_in(body: str) -> List[str]:
    """Every `{...}` of `body`, in order, as written inside the braces."""
    return _PLACEHOLDER.findall(body or "")


def fill_placeholders(
    body: str, values: Mapping[str, Optional[str]]
) -> Tuple[str, Tuple[str, ...]]:
    """`body` with each placeholder replaced by its value; a placeholder without a
    value stays as it is and is named in the second part (once, in order)."""
    missing: List[str] = []

    def replace(match: re.Match) -> str:
        name = match.group(1)
        value = " ".join(str(values.get(name) or "").split())
        if value:
            return value
        if name not in missing:
            missing.append(name)
        return match.group(0)

    return _PLACEHOLDER.sub(replace, body), tuple(missing)


def first_name(full_name: Optional[str]) -> Optional[str]:
    """ "Maya Thompson" -> "Maya". A name in Chinese characters is written without
    spaces and with the family name first; a customer is addressed by the whole
    name, so that is what it gives."""
    words = (full_name or "").split()
    if not words:
        return None
    return "".join(words) if _HAN.search(words[0]) else words[0]


def chat_values(detail: HandoffDetail, agent_name: str, company: str) -> Dict[str, Optional[str]]:
    """What the placeholders mean in one chat: the customer's record (or the name
    the bot collected from an anonymous visitor), the order and the ticket the chat
    is about, the agent writing and the company."""
    collected = detail.collected or {}
    name = detail.entry.customer_name or _text(collected.get("customer_name"))
    ticket_ref = None
    if detail.entry.ticket_id:
        ticket_ref = format_ticket_ref(detail.entry.ticket_id)
    elif collected.get("ticket_id"):
        number = parse_ticket_id(str(collected["ticket_id"]), allow_bare_number=True)
        ticket_ref = format_ticket_ref(number) if number else None
    return {
        "first_name": first_name(name),
        "customer_name": name,
        "order_id": _text(collected.get("order_id")) or _text(collected.get("last_order_id")),
        "ticket_ref": ticket_ref,
        "agent_name": agent_name,
        "company": company,
    }


def _text(value: object) -> Optional[str]:
    """A collected value as one line of text; None for nothing."""
    if value is None:
        return None
    return " ".join(str(value).split()) or None
