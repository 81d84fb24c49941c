"""Knowing who the customer is before anything about an account is shown.

Every form that touches an account extends `IdentityFormValidation`: when the
customer is neither signed in on the website (a valid `customer_token`) nor already
verified in this chat, the form first asks for the email address and one order
number. A wrong pair gets the same answer whether or not the email exists, and after
`KEFU_MAX_VERIFICATION_ATTEMPTS` failures the chat stops offering verification.
"""

from __future__ import annotations

import re
from abc import ABC
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import AskQuestion, KefuAction, KefuFormValidation, Services
from actions.conversation import offer_to_resume_ticket
from actions.customer_identity import (
    client_address,
    identity_slot_events,
    resolve_identity,
    token_problem_note,
)
from actions.faq import answer_before_acting
from actions.formatting import day, quoted
from helpdesk.conversation_identity import Identity
from helpdesk.identity import VerificationClaim
from helpdesk.parsing import parse_email, parse_order_id

VERIFICATION_SLOTS = ["verification_email", "verification_order"]
_NO_ORDER_NUMBER = re.compile(
    r"\b(don'?t|do not|dont|can'?t|cannot|no)\b.*\b(know|have|find|remember|order|number)\b|\bno idea\b",
    re.IGNORECASE,
)


def verification_locked(tracker: Tracker, services: Services) -> bool:
    failures = tracker.get_slot("verification_failures") or 0
    return failures >= services.settings.max_verification_attempts


def known_identity(tracker: Tracker) -> bool:
    """Whether this run of the form established who the customer is (`prepare`
    sets the identity slots from the proof on the message, never from the slots
    the tracker arrived with)."""
    return bool(tracker.get_slot("customer_id")) and tracker.get_slot("identity_method") in (
        "token",
        "verification",
    )


def details_given_with_the_request(tracker: Tracker) -> List[EventType]:
    """"maya@example.com, order BW-104101, has it arrived?": the email (and the
    order number beside it) in the message that starts a form are the verification
    the form would ask for next; they are validated like typed answers."""
    text = (tracker.latest_message or {}).get("text") or ""
    if text.startswith("/"):
        return []
    email = parse_email(text)
    if email is None:
        return []
    events: List[EventType] = [SlotSet("verification_email", email)]
    order = parse_order_id(text.replace(email, " "))
    if order:
        events.append(SlotSet("verification_order", order))
    return events


class IdentityFormValidation(KefuFormValidation, ABC):
    """A form that verifies the customer first when needed, then asks its own
    slots (`task_slots`)."""

    def task_slots(self, tracker: Tracker) -> List[str]:
        """The form's own slots, in the order they are asked."""
        return []

    async def prepare(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        identity, problem = resolve_identity(tracker, self.services)
        events = identity_slot_events(tracker, identity)
        activating = tracker.get_slot("requested_slot") is None
        if identity is None and activating:
            note = token_problem_note(problem)
            if note:
                dispatcher.utter_message(text=note)
            events += details_given_with_the_request(tracker)
        tracker.add_slots(events)
        events += await self.prefill(dispatcher, tracker, domain, identity, activating)
        if activating:
            tracker.add_slots(events)
            events += self.rule_first(dispatcher, tracker)
        return events

    def rule_first(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        """The rule the request asks about, before the form's first question
        (actions.faq.answer_before_acting)."""
        return answer_before_acting(self.services, dispatcher, tracker)

    async def prefill(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        identity: Optional[Identity],
        activating: bool,
    ) -> List[EventType]:
        """Slots a subclass can fill from what the customer already said."""
        return []

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        if known_identity(tracker):
            return self.task_slots(tracker)
        if verification_locked(tracker, self.services):
            return []
        return VERIFICATION_SLOTS + self.task_slots(tracker)

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        events = await super().get_validation_events(dispatcher, tracker, domain)
        tracker.add_slots(events)
        return events + self._check_pair(dispatcher, tracker)

    def _check_pair(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        email, order = (
            tracker.get_slot("verification_email"),
            tracker.get_slot("verification_order"),
        )
        if known_identity(tracker) or not (email and order):
            return []
        customer = self.services.verifier.verify(
            tracker.sender_id,
            VerificationClaim(email, order),
            client_address(tracker),
            self.services.now(),
        )
        if customer is not None:
            dispatcher.utter_message(text=f"Thank you, {customer.first_name}, you're verified.")
            events = identity_slot_events(tracker, Identity(customer, "verification"))
            tracker.add_slots(events)
            return events
        failures = int(tracker.get_slot("verification_failures") or 0) + 1
        if failures >= self.services.settings.max_verification_attempts:
            dispatcher.utter_message(
                text="Sorry, I couldn't verify those details, and for your security I "
                "can't try again in this chat."
            )
        else:
            dispatcher.utter_message(
                text="Sorry, I couldn't match that email address and order number. "
                "Let's try once more."
            )
        events = [
            SlotSet("verification_email", None),
            SlotSet("verification_order", None),
            SlotSet("verification_failures", float(failures)),
        ]
        tracker.add_slots(events)
        return events

    def validate_verification_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "")
        email = parse_email(text)
        if email is None:
            dispatcher.utter_message(
                text="That doesn't look like an email address. Please type the one on "
                "your account, like name@example.com."
            )
            return {"verification_email": None}
        slots: Dict[str, Any] = {"verification_email": email}
        order = parse_order_id(text.replace(email, " "))
        if order:  # both at once: "jo@example.com, order BW-104233"
            slots["verification_order"] = order
        return slots

    def validate_verification_order(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "")
        order = parse_order_id(text)
        if order is not None:
            slots: Dict[str, Any] = {"verification_order": order}
            if parse_order_id(str(tracker.slots_to_validate().get("order_id") or "")) == order:
                # The number proves who the customer is; it is not necessarily the
                # order they asked about, so it does not become `order_id`.
                slots["order_id"] = None
            return slots
        if _NO_ORDER_NUMBER.search(text):
            dispatcher.utter_message(
                text="No problem. Without an order number I can't verify you here in the "
                "chat. If you have an account, signing in on our website lets me see it "
                "straight away; otherwise a person from our team can help.",
                buttons=[
                    {"title": "Talk to a person", "payload": "/request_human"},
                    {"title": "Never mind", "payload": "/nevermind"},
                ],
            )
        else:
            dispatcher.utter_message(
                text="That doesn't look like an order number. They look like BW-104233 "
                "and are in your order confirmation email."
            )
        return {"verification_order": None}


def verified_customer_or_explain(
    dispatcher: CollectingDispatcher, tracker: Tracker, services: Services
) -> Optional[Identity]:
    """The verified customer; otherwise tells the customer why nothing about an
    account can be shown and what they can do instead."""
    identity, _ = resolve_identity(tracker, services)
    if identity is not None:
        return identity
    if verification_locked(tracker, services):
        dispatcher.utter_message(
            text="For your security I can't look up account details in this chat. "
            "If you're signed in on our website I can see your account automatically; "
            "otherwise a person from our team can help.",
            buttons=[{"title": "Talk to a person", "payload": "/request_human"}],
        )
    else:
        dispatcher.utter_message(
            text="I need to verify who you are before I can look at your account.",
            buttons=[{"title": "Verify me", "payload": "/check_account"}],
        )
    return None


class ActionAskVerificationEmail(AskQuestion):
    question = (
        "First I need to make sure I'm talking to the account holder. "
        "What's the email address on your account?"
    )

    def name(self) -> str:
        return "action_ask_verification_email"


class ActionAskVerificationOrder(AskQuestion):
    question = (
        "Thanks. And one of your order numbers? It looks like BW-104233 and is in "
        "your order confirmation email."
    )

    def name(self) -> str:
        return "action_ask_verification_order"


class ValidateAccountForm(IdentityFormValidation):
    def name(self) -> str:
        return "validate_account_form"


class ActionShowAccount(KefuAction):
    """Tier, membership and a glance at orders and open tickets."""

    def name(self) -> str:
        return "action_show_account"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        identity = verified_customer_or_explain(dispatcher, tracker, self.services)
        if identity is None:
            return identity_slot_events(tracker, None)
        facts = self.services.facts
        customer = identity.customer
        tier = facts.tier(customer.tier)
        orders = self.services.records.list_orders(customer.id, limit=50)
        open_tickets = self.services.records.list_tickets(customer.id, open_only=True)
        lines = [
            f"Here's your account, {customer.first_name}:",
            f"- {customer.name}, {customer.email}",
            f"- {tier.label} member (customer since {day(facts, customer.created_at)}); "
            f"our first-response target for you is {tier.describe_target()}",
            f"- {len(orders)} order{'s' if len(orders) != 1 else ''}"
            + (f"; the latest is {orders[0].id} ({orders[0].status})" if orders else ""),
            f"- {len(open_tickets)} open ticket{'s' if len(open_tickets) != 1 else ''}"
            + (
                ": " + ", ".join(f"{t.ref} ({quoted(t.subject)})" for t in open_tickets[:3])
                if open_tickets
                else ""
            ),
        ]
        dispatcher.utter_message(
            text="\n".join(lines),
            buttons=[
                {
                    "title": "Membership benefits",
                    "payload": '/ask_faq{"faq_topic": "membership-tiers"}',
                },
                {"title": "My orders", "payload": "/check_order_status"},
                {"title": "My tickets", "payload": "/check_ticket_status"},
            ],
        )
        offer_to_resume_ticket(dispatcher, tracker)
        return identity_slot_events(tracker, identity)
