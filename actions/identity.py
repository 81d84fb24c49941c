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
from actions.formatting import bullet_list, order_state, quoted
from actions.speech import Speech, speech_for
from helpdesk.conversation_identity import Identity
from helpdesk.identity import VerificationClaim
from helpdesk.parsing import parse_email, parse_order_id

VERIFICATION_SLOTS = ["verification_email", "verification_order"]
_NO_ORDER_NUMBER = re.compile(
    r"\b(don'?t|do not|dont|can'?t|cannot|no)\b.*\b(know|have|find|remember|order|number)\b|\bno idea\b"
    # 没有订单号 / 不知道 / 找不到 / 忘了 / 不记得 / 记不清
    r"|(没有|没|不知道|找不到|查不到|忘了|忘记|不记得|记不得|记不清)",
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
            note = token_problem_note(speech_for(self.services, tracker), problem)
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
        speech = speech_for(self.services, tracker)
        customer = self.services.verifier.verify(
            tracker.sender_id,
            VerificationClaim(email, order),
            client_address(tracker),
            self.services.now(),
        )
        if customer is not None:
            speech.utter(dispatcher, "identity.verified", first_name=customer.first_name)
            events = identity_slot_events(tracker, Identity(customer, "verification"))
            tracker.add_slots(events)
            return events
        failures = int(tracker.get_slot("verification_failures") or 0) + 1
        if failures >= self.services.settings.max_verification_attempts:
            speech.utter(dispatcher, "identity.locked_out")
        else:
            speech.utter(dispatcher, "identity.try_again")
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
            speech_for(self.services, tracker).utter(dispatcher, "identity.not_an_email")
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
        speech = speech_for(self.services, tracker)
        if _NO_ORDER_NUMBER.search(text):
            speech.utter(
                dispatcher,
                "identity.no_order_number",
                buttons=[
                    speech.button("buttons.talk_to_person", "/request_human"),
                    speech.button("buttons.never_mind", "/nevermind"),
                ],
            )
        else:
            speech.utter(dispatcher, "identity.not_an_order_number")
        return {"verification_order": None}


def verified_customer_or_explain(
    dispatcher: CollectingDispatcher, tracker: Tracker, services: Services
) -> Optional[Identity]:
    """The verified customer; otherwise tells the customer why nothing about an
    account can be shown and what they can do instead."""
    identity, _ = resolve_identity(tracker, services)
    if identity is not None:
        return identity
    speech = speech_for(services, tracker)
    if verification_locked(tracker, services):
        speech.utter(
            dispatcher,
            "identity.cannot_look_up",
            buttons=[speech.button("buttons.talk_to_person", "/request_human")],
        )
    else:
        speech.utter(
            dispatcher,
            "identity.must_verify",
            buttons=[speech.button("buttons.verify_me", "/check_account")],
        )
    return None


class ActionAskVerificationEmail(AskQuestion):
    question = "identity.ask_email"

    def name(self) -> str:
        return "action_ask_verification_email"


class ActionAskVerificationOrder(AskQuestion):
    question = "identity.ask_order"

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
        speech = speech_for(self.services, tracker)
        customer = identity.customer
        orders = self.services.records.list_orders(customer.id, limit=50)
        open_tickets = self.services.records.list_tickets(customer.id, open_only=True)
        tier = speech.facts.tier(customer.tier)
        lines = [
            speech.say("identity.account_contact", name=customer.name, email=customer.email),
            speech.say(
                "identity.account_tier",
                tier=tier.label,
                since=speech.date(customer.created_at),
                target=speech.target(tier),
            ),
            _orders_line(speech, orders),
            _tickets_line(speech, open_tickets),
        ]
        dispatcher.utter_message(
            text="\n".join(
                [speech.say("identity.account_intro", first_name=customer.first_name)]
                + [bullet_list(lines)]
            ),
            buttons=[
                speech.button(
                    "buttons.membership_benefits", '/ask_faq{"faq_topic": "membership-tiers"}'
                ),
                speech.button("buttons.my_orders", "/check_order_status"),
                speech.button("buttons.my_tickets", "/check_ticket_status"),
            ],
        )
        offer_to_resume_ticket(dispatcher, tracker, speech)
        return identity_slot_events(tracker, identity)


def _orders_line(speech: Speech, orders: List[Any]) -> str:
    if not orders:
        return speech.say("identity.orders_none")
    key = "identity.orders_one" if len(orders) == 1 else "identity.orders_many"
    return speech.say(
        key, count=len(orders), order_id=orders[0].id, status=order_state(speech, orders[0].status)
    )


def _tickets_line(speech: Speech, tickets: List[Any]) -> str:
    if not tickets:
        return speech.say("identity.tickets_none")
    key = "identity.tickets_one" if len(tickets) == 1 else "identity.tickets_many"
    shown = speech.listing(
        speech.say("identity.ticket_entry", ticket=t.ref, subject=quoted(t.subject))
        for t in tickets[:3]
    )
    return speech.say(key, count=len(tickets), tickets=shown)
