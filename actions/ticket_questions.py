"""The ticket form's questions (`action_ask_<slot>` of ticket_form), in the
conversation's language: the category and urgency offered with the labels of that
language, the customer's orders as buttons, and the summary to confirm. What the
answers mean is actions/ticket_form.py's."""

from __future__ import annotations

from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import KefuAction, optional_lookup
from actions.customer_identity import verified_customer_id
from actions.formatting import bullet_list, order_button, quoted
from actions.orders import NO_ORDER, mentioned_order
from actions.speech import Speech, speech_for


class ActionAskTicketCategory(KefuAction):
    def name(self) -> str:
        return "action_ask_ticket_category"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        speech = speech_for(self.services, tracker)
        categories = speech.facts.ticket_categories
        speech.utter(
            dispatcher,
            "ticket_form.ask_category",
            buttons=[
                {"title": c.label, "payload": f'/inform{{"ticket_category": "{key}"}}'}
                for key, c in categories.items()
            ],
        )
        return []


class ActionAskTicketOrder(KefuAction):
    def name(self) -> str:
        return "action_ask_ticket_form_order_id"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        customer_id = verified_customer_id(tracker, self.services)
        orders = optional_lookup(
            lambda: self.services.records.list_orders(customer_id, limit=5) if customer_id else [],
            [],
        )
        speech = speech_for(self.services, tracker)
        speech.utter(
            dispatcher,
            "ticket_form.ask_order",
            buttons=[order_button(speech, o) for o in orders]
            + [speech.button("buttons.not_about_an_order", f'/inform{{"order_id": "{NO_ORDER}"}}')],
        )
        return []


class ActionAskTicketDescription(KefuAction):
    """What happened? Asked by the ticket's category: a category with a question
    of its own has `ticket_form.describe_<category>` in the catalogue."""

    def name(self) -> str:
        return "action_ask_ticket_description"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        speech = speech_for(self.services, tracker)
        category = tracker.get_slot("ticket_category") or ""
        key = f"ticket_form.describe_{category}"
        speech.utter(
            dispatcher, key if category and speech.catalogue.has(key) else "ticket_form.describe"
        )
        return []


class ActionAskTicketUrgency(KefuAction):
    def name(self) -> str:
        return "action_ask_ticket_urgency"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        speech = speech_for(self.services, tracker)
        speech.utter(
            dispatcher,
            "ticket_form.ask_urgency",
            buttons=[
                {"title": label, "payload": f'/inform{{"urgency": "{key}"}}'}
                for key, (label, _) in speech.facts.urgencies.items()
            ],
        )
        return []


class ActionAskTicketConfirmed(KefuAction):
    def name(self) -> str:
        return "action_ask_ticket_confirmed"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        speech = speech_for(self.services, tracker)
        speech.utter(
            dispatcher,
            "ticket_form.summary",
            details=bullet_list(ticket_details(speech, tracker)),
            buttons=[
                speech.button("buttons.yes_open_it", "/affirm"),
                speech.button("buttons.no_change_it", "/deny"),
            ],
        )
        return []


def ticket_details(speech: Speech, tracker: Tracker) -> List[str]:
    """The ticket's details as the customer confirms them, with the category and
    urgency labels of their language."""
    facts = speech.facts
    category = facts.ticket_categories.get(tracker.get_slot("ticket_category") or "")
    urgency = facts.urgencies.get(tracker.get_slot("ticket_urgency") or "", ("—", 0))[0]
    order = mentioned_order(tracker) or speech.say("ticket_form.no_order")
    return [
        speech.say("ticket_form.summary_category", category=category.label if category else "—"),
        speech.say("ticket_form.summary_order", order=order),
        speech.say("ticket_form.summary_urgency", urgency=urgency),
        speech.say(
            "ticket_form.summary_description",
            description=quoted(tracker.get_slot("ticket_description")),
        ),
    ]
