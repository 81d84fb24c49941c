"""A short summary of a handed-off chat, shown at the top of the console so the
agent knows the case before reading the transcript.

It is generated from what the bot knows for certain (who, why, which order, what
the customer said last), never invented, so it cannot be wrong in a way the
transcript below would not show at once.
"""

from __future__ import annotations

from typing import List, Optional

from helpdesk.customer_profile import CustomerProfile
from helpdesk.handoff_desk import HandoffDetail

_IDENTITY = {"token": "signed in on the website", "verification": "verified by email and order"}


def summarize(detail: HandoffDetail, profile: Optional[CustomerProfile]) -> str:
    entry = detail.entry
    parts: List[str] = []
    if profile is not None:
        who = (
            f"{profile.customer.name} ({profile.customer.tier.title()} customer, "
            f"{_IDENTITY.get(entry.identity_method or '', 'identity not verified')})"
        )
    else:
        who = "An anonymous visitor (identity not verified)"
    parts.append(f"{who}. Handed over because: {entry.reason_text.rstrip('.').lower()}.")
    collected = detail.collected
    order_id = collected.get("order_id")
    if order_id:
        status = ""
        if profile is not None:
            status = next((f" ({o.status})" for o in profile.orders if o.id == order_id), "")
        parts.append(f"About order {order_id}{status}.")
    if collected.get("ticket_description"):
        urgency = collected.get("ticket_urgency")
        parts.append(
            f"Problem: {collected['ticket_description']}"
            + (f" (urgency: {urgency})." if urgency else ".")
        )
    said = [t.get("text", "") for t in detail.transcript if t.get("role") == "customer"]
    said += [e.body for e in detail.events if e.kind == "customer_message"]
    said = [s for s in said if s and not s.startswith("/")]
    if said:
        last = " ".join(said[-1].split())
        parts.append(f"Last wrote: \u201c{last[:160]}{'…' if len(last) > 160 else ''}\u201d")
    if profile is not None:
        open_tickets = [t.ref for t in profile.tickets if t.is_open]
        if open_tickets:
            parts.append(f"Open tickets: {', '.join(open_tickets[:3])}.")
        if profile.churn_risk != "low":
            parts.append(f"Churn risk {profile.churn_risk}: {'; '.join(profile.churn_reasons)}.")
    return " ".join(parts)
