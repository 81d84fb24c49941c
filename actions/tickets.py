"""Support tickets: opening the ticket the form collected (actions/ticket_form.py)
with the tier's first-response target."""

from __future__ import annotations

import hashlib
from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import KefuAction
from actions.conversation import transcript
from actions.identity import verified_customer_or_explain
from actions.orders import mentioned_order
from actions.speech import speech_for
from actions.ticket_form import TICKET_TASK_SLOTS
from helpdesk.tickets import TicketRequest, open_ticket


class ActionOpenTicket(KefuAction):
    """Stores the ticket and tells the customer its number and when a person will
    answer, by their tier's first-response target."""

    def name(self) -> str:
        return "action_open_ticket"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        done = [SlotSet(slot, None) for slot in (*TICKET_TASK_SLOTS, "ticket_change")]
        if tracker.get_slot("ticket_confirmed") is not True:
            return done  # the form ended without a "yes" (and said why)
        identity = verified_customer_or_explain(dispatcher, tracker, self.services)
        if identity is None:
            return done
        facts = self.services.facts
        speech = speech_for(self.services, tracker)
        now = self.services.now()
        opened = open_ticket(
            self.services.records,
            facts,
            TicketRequest(
                category=tracker.get_slot("ticket_category") or "other",
                description=tracker.get_slot("ticket_description") or "",
                urgency=tracker.get_slot("ticket_urgency") or "normal",
                customer=identity.customer,
                order_id=mentioned_order(tracker),
                conversation_id=tracker.sender_id,
                context={"transcript": transcript(tracker), "identity_method": identity.method},
                request_key=ticket_request_key(tracker, identity.customer.id),
                language=speech.language,
            ),
            now,
        )
        tier = speech.facts.tier(identity.customer.tier)
        dispatcher.utter_message(
            text=speech.say(
                "tickets.opened",
                ticket=opened.ticket.ref,
                tier=tier.label,
                target=speech.target(tier),
                due=speech.moment(opened.due, now),
            ),
            ticket=opened.ticket.ref,
        )
        return done


    def when_records_unavailable(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> List[EventType]:
        """The customer said "yes" and the ticket could not be stored: nothing they
        told us is dropped. The form is back at its last question, so the next
        "yes" opens the ticket (and, by its request key, only one)."""
        if tracker.get_slot("ticket_confirmed") is not True:
            return super().when_records_unavailable(dispatcher, tracker)
        dispatcher.utter_message(response="utter_ticket_not_saved_yet")
        return [
            ActiveLoop("ticket_form"),
            SlotSet("ticket_confirmed", None),
            SlotSet("requested_slot", "ticket_confirmed"),
        ]


def ticket_request_key(tracker: Tracker, customer_id: str) -> str:
    """The same conversation confirming the same details is the same request: a
    retry (after a crash, a timeout, a double click) finds the ticket it opened."""
    details = [
        tracker.sender_id,
        customer_id,
        *(str(tracker.get_slot(slot) or "") for slot in TICKET_TASK_SLOTS[:-1]),
    ]
    return hashlib.sha256("\0".join(details).encode()).hexdigest()[:40]
