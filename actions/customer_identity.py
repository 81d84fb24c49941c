"""Who the customer is, as the actions see it: decided again for every message from
the proof it carries (helpdesk/conversation_identity.py), repeated in the identity
slots for the dialogue, and never read back from those slots."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.common import Services
from actions.speech import Speech
from helpdesk.chat_metadata import client_of
from helpdesk.conversation_identity import Identity, identify

IDENTITY_SLOTS = ("customer_id", "customer_name", "customer_tier", "identity_method")
# Slots that hold the details of a task in progress; "start over" and "never mind"
# clear them, and so does a change of customer, while who the customer is stays.
TASK_SLOTS = (
    "order_id",
    "cancel_confirmed",
    "ticket_category",
    "ticket_description",
    "ticket_urgency",
    "ticket_confirmed",
    "ticket_change",
    "ticket_id",
    "ticket_comment",
    "verification_email",
    "verification_order",
    "csat_rating",
    "csat_comment",
    "faq_topic",
)


def customer_token(tracker: Tracker) -> Optional[Any]:
    """The `customer_token` the website sent with the latest message, if any."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    if isinstance(metadata, dict) and "customer_token" in metadata:
        return metadata.get("customer_token")
    return None


def client_address(tracker: Tracker) -> Optional[str]:
    """The address the latest message came from, as Kefu's channel recorded it."""
    return client_of((tracker.latest_message or {}).get("metadata"))


def resolve_identity(
    tracker: Tracker, services: Services
) -> Tuple[Optional[Identity], Optional[str]]:
    """The customer the latest message proves to come from (never the slots), and a
    problem with the website token ("expired" or "invalid") worth telling them."""
    return identify(
        tracker.sender_id,
        customer_token(tracker),
        services.records,
        services.identities,
        services.settings.customer_token_secret,
        services.now(),
    )


def verified_customer_id(tracker: Tracker, services: Services) -> Optional[str]:
    identity, _ = resolve_identity(tracker, services)
    return identity.customer.id if identity else None


def identity_slot_events(tracker: Tracker, identity: Optional[Identity]) -> List[EventType]:
    """SlotSets that make the conversation's identity slots say `identity` (or
    nobody). When the customer changes, or is no longer proved, nothing of the
    previous customer's task carries over."""
    values: Dict[str, Any] = (
        {
            "customer_id": identity.customer.id,
            "customer_name": identity.customer.name,
            "customer_tier": identity.customer.tier,
            "identity_method": identity.method,
        }
        if identity
        else dict.fromkeys(IDENTITY_SLOTS)
    )
    if all(tracker.get_slot(key) == value for key, value in values.items()):
        return []
    events: List[EventType] = [SlotSet(key, value) for key, value in values.items()]
    previous = tracker.get_slot("customer_id")
    if previous and previous != values["customer_id"]:
        events += [SlotSet(slot, None) for slot in TASK_SLOTS if tracker.get_slot(slot) is not None]
    return events


def token_problem_note(speech: Speech, problem: Optional[str]) -> Optional[str]:
    """What the customer hears about a website sign-in that proved nothing."""
    if problem in ("expired", "invalid"):
        return speech.say(f"identity.token_{problem}")
    return None
