"""A short summary of a handed-off chat, shown at the top of the console so the
agent knows the case before reading the transcript.

It is generated from what the bot knows for certain (who, why, which order, what
the customer said last), never invented, so it cannot be wrong in a way the
transcript below would not show at once. It is worded in the console's language
(the catalogue's `summary.*`; the company's default unless the console asks for
another), whatever language the customer wrote in.
"""

from __future__ import annotations

from typing import List, Optional

from helpdesk.customer_profile import CustomerProfile
from helpdesk.desk_texts import DeskTexts, default_texts
from helpdesk.handoffs.desk import HandoffDetail

_IDENTITY_METHODS = ("token", "verification")
LAST_WORDS_SHOWN = 160


def summarize(
    detail: HandoffDetail,
    profile: Optional[CustomerProfile],
    language: Optional[str] = None,
    texts: Optional[DeskTexts] = None,
) -> str:
    texts = default_texts(texts)
    language = texts.language(language)

    def say(key: str, **values: object) -> str:
        return texts.say(f"summary.{key}", language, **values)

    def word(prefix: str, value: str) -> str:
        """A status, urgency or level in words; an unknown one as it is stored."""
        key = f"summary.{prefix}_{value}"
        return texts.say(key, language) if texts.catalogue.has(key) else value

    entry = detail.entry
    parts: List[str] = []
    if profile is not None:
        method = entry.identity_method or ""
        who = say(
            "who_customer",
            name=profile.customer.name,
            tier=texts.facts(language).tier(profile.customer.tier).label,
            identity=say(f"identity_{method}" if method in _IDENTITY_METHODS else "identity_none"),
        )
    else:
        who = say("who_anonymous")
    reason = _reason(entry.reason, entry.reason_text, language, texts)
    parts.append(say("handed_over", who=who, reason=reason.rstrip(".").lower()))
    collected = detail.collected
    order_id = collected.get("order_id")
    if order_id:
        status = None
        if profile is not None:
            status = next((o.status for o in profile.orders if o.id == order_id), None)
        parts.append(
            say("about_order_status", order_id=order_id, status=word("order_status", status))
            if status
            else say("about_order", order_id=order_id)
        )
    if collected.get("ticket_description"):
        urgency = collected.get("ticket_urgency")
        problem = collected["ticket_description"]
        parts.append(
            say("problem_urgency", problem=problem, urgency=word("urgency", urgency))
            if urgency
            else say("problem", problem=problem)
        )
    said = [t.get("text", "") for t in detail.transcript if t.get("role") == "customer"]
    said += [e.body for e in detail.events if e.kind == "customer_message"]
    said = [s for s in said if s and not s.startswith("/")]
    if said:
        last = " ".join(said[-1].split())
        shown = last[:LAST_WORDS_SHOWN] + ("…" if len(last) > LAST_WORDS_SHOWN else "")
        parts.append(say("last_wrote", text=shown))
    if profile is not None:
        open_tickets = [t.ref for t in profile.tickets if t.is_open]
        if open_tickets:
            separator = texts.say("formatting.list_separator", language)
            parts.append(say("open_tickets", tickets=separator.join(open_tickets[:3])))
        if profile.churn_risk != "low":
            # The profile's reasons are in the language it was built in (the same).
            reasons = say("churn_reason_separator").join(profile.churn_reasons)
            level = word("churn_level", profile.churn_risk)
            parts.append(say("churn", level=level, reasons=reasons))
    return say("separator").join(parts)


def _reason(reason: str, reason_text: str, language: str, texts: DeskTexts) -> str:
    """The reason in the summary's language: its label, unless the bot wrote a
    reason of its own."""
    if reason_text == texts.reason(reason):
        return texts.reason(reason, language)
    return reason_text

