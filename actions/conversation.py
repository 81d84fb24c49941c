"""The conversation so far, read from the tracker: the transcript an agent reads,
what the bot collected, what happened after a message, and the form in progress."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.customer_identity import IDENTITY_SLOTS
from actions.speech import Speech


def transcript(tracker: Tracker) -> List[Dict[str, Any]]:
    """Customer and bot messages in order, with what the bot understood of each
    customer message; the agent reads this instead of asking again."""
    turns: List[Dict[str, Any]] = []
    for event in tracker.events:
        kind = event.get("event")
        if kind == "user":
            metadata = event.get("metadata") or {}
            if metadata.get("silent"):
                continue  # the widget's own greeting request, not something typed
            parse = event.get("parse_data") or {}
            intent = parse.get("intent") or {}
            shown = metadata.get("display_text")
            turns.append(
                {
                    "role": "customer",
                    # A button click reads as the button's title, as the customer saw it.
                    "text": shown
                    if isinstance(shown, str) and shown.strip()
                    else event.get("text") or "",
                    "timestamp": event.get("timestamp"),
                    "intent": intent.get("name"),
                    "confidence": round(float(intent.get("confidence") or 0.0), 3),
                }
            )
        elif kind == "bot":
            data = event.get("data") or {}
            buttons = data.get("buttons") or data.get("quick_replies") or []
            turns.append(
                {
                    "role": "bot",
                    "text": event.get("text") or "",
                    "timestamp": event.get("timestamp"),
                    "buttons": [b.get("title") for b in buttons if isinstance(b, dict)],
                }
            )
    return turns


def customer_messages(tracker: Tracker) -> List[str]:
    return [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]


_NOT_DETAILS = {
    "company_name",
    "requested_slot",
    "session_started_metadata",
    # the contact form's bookkeeping (actions/contact_email.py), not the customer's
    "contact_ticket_id",
    "contact_email_failures",
    *IDENTITY_SLOTS,
}


def collected_details(tracker: Tracker) -> Dict[str, Any]:
    """Every slot the bot filled during the conversation, for the agent."""
    return {
        key: value
        for key, value in tracker.current_slot_values().items()
        if value not in (None, "", [], {}) and key not in _NOT_DETAILS
    }


def previous_user_event(tracker: Tracker) -> Optional[Dict[str, Any]]:
    """The customer message before the latest one."""
    users = [e for e in tracker.events if e.get("event") == "user"]
    return users[-2] if len(users) >= 2 else None


def events_after(tracker: Tracker, user_event: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The events of the bot's answer to `user_event`, up to the next message."""
    found: List[Dict[str, Any]] = []
    seen = False
    for event in tracker.events:
        if event is user_event:
            seen = True
            continue
        if not seen:
            continue
        if event.get("event") == "user":
            break
        found.append(event)
    return found


def actions_after(tracker: Tracker, user_event: Dict[str, Any]) -> List[str]:
    """Names of the actions the bot ran in answer to `user_event`."""
    return [
        e.get("name")
        for e in events_after(tracker, user_event)
        if e.get("event") == "action" and e.get("name") != "action_listen"
    ]


def answered_from_articles(tracker: Tracker, user_event: Dict[str, Any]) -> bool:
    """Whether the bot quoted an article in answer to `user_event` (it sets the
    `faq_topic` slot when it does), even one Rasa's NLU did not understand."""
    return any(
        e.get("event") == "slot" and e.get("name") == "faq_topic" and e.get("value")
        for e in events_after(tracker, user_event)
    )


def deactivate_form_events(tracker: Tracker) -> List[EventType]:
    """Events that end the active form, if one is active."""
    if (tracker.active_loop or {}).get("name"):
        return [ActiveLoop(None), SlotSet("requested_slot", None)]
    return []


def offer_to_resume_ticket(
    dispatcher: CollectingDispatcher, tracker: Tracker, speech: Speech
) -> None:
    """After a detour (an order look-up in the middle of a ticket, say), offer to
    pick the unfinished ticket up where it was left; its answers are still kept."""
    if (tracker.active_loop or {}).get("name"):
        return
    if tracker.get_slot("ticket_category") or tracker.get_slot("ticket_description"):
        speech.utter(
            dispatcher,
            "ticket_form.resume",
            buttons=[
                speech.button("buttons.continue_ticket", "/report_problem"),
                speech.button("buttons.drop_it", "/nevermind"),
            ],
        )
