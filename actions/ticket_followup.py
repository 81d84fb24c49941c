"""Following up a ticket: how it is going, and information added to it. Only the
customer's own tickets are shown or changed; someone else's reads as missing."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import AskQuestion, KefuAction, optional_lookup
from actions.conversation import offer_to_resume_ticket
from actions.customer_identity import verified_customer_id
from actions.formatting import quoted, ticket_state, ticket_summary
from actions.identity import IdentityFormValidation, verified_customer_or_explain
from actions.speech import Speech, speech_for
from helpdesk.parsing import parse_ticket_id
from helpdesk.records import TicketView


class ValidateTicketStatusForm(IdentityFormValidation):
    def name(self) -> str:
        return "validate_ticket_status_form"


def own_ticket(services: Any, customer_id: str, ticket_id: Optional[int]) -> Optional[TicketView]:
    """The ticket if it is the customer's; someone else's reads as missing."""
    ticket = services.records.get_ticket(ticket_id) if ticket_id else None
    return ticket if ticket is not None and ticket.customer_id == customer_id else None


class ActionShowTicketStatus(KefuAction):
    def name(self) -> str:
        return "action_show_ticket_status"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        identity = verified_customer_or_explain(dispatcher, tracker, self.services)
        if identity is None:
            return [SlotSet("ticket_id", None)]
        speech = speech_for(self.services, tracker)
        wanted = parse_ticket_id(str(tracker.get_slot("ticket_id") or ""), allow_bare_number=True)
        if wanted:
            ticket = own_ticket(self.services, identity.customer.id, wanted)
            if ticket is not None:
                dispatcher.utter_message(
                    text=ticket_summary(speech, ticket), buttons=_ticket_actions(speech, ticket)
                )
                return [SlotSet("ticket_id", None)]
            speech.utter(dispatcher, "tickets.not_found")
        tickets = self.services.records.list_tickets(identity.customer.id)
        open_tickets = [t for t in tickets if t.is_open]
        if not tickets:
            speech.utter(
                dispatcher,
                "tickets.none",
                buttons=[speech.button("buttons.report_problem", "/report_problem")],
            )
        elif not open_tickets:
            latest = tickets[0]
            speech.utter(
                dispatcher,
                "tickets.no_open",
                ticket=latest.ref,
                subject=quoted(latest.subject),
                status=ticket_state(speech, latest.status),
                buttons=[speech.button("buttons.report_new_problem", "/report_problem")],
            )
        else:
            summaries = [ticket_summary(speech, t) for t in open_tickets[:3]]
            dispatcher.utter_message(
                text="\n\n".join([speech.say("tickets.open_list"), *summaries]),
                buttons=_ticket_actions(speech, open_tickets[0]),
            )
        offer_to_resume_ticket(dispatcher, tracker, speech)
        return [SlotSet("ticket_id", None)]


def _ticket_actions(speech: Speech, ticket: TicketView) -> List[Dict[str, str]]:
    if ticket.status == "closed":
        return []
    payload = f'/add_ticket_comment{{"ticket_id": "{ticket.ref}"}}'
    return [speech.button("buttons.add_to_ticket", payload, ticket=ticket.ref)]


class ValidateTicketCommentForm(IdentityFormValidation):
    def name(self) -> str:
        return "validate_ticket_comment_form"

    def task_slots(self, tracker: Tracker) -> List[str]:
        return ["ticket_id", "ticket_comment"]

    def validate_ticket_id(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        ticket = own_ticket(
            self.services,
            tracker.get_slot("customer_id"),
            parse_ticket_id(str(value or ""), allow_bare_number=True),
        )
        speech = speech_for(self.services, tracker)
        if ticket is None:
            speech.utter(dispatcher, "tickets.not_found_hint")
            return {"ticket_id": None}
        if ticket.status == "closed":
            speech.utter(
                dispatcher,
                "tickets.closed",
                ticket=ticket.ref,
                buttons=[speech.button("buttons.report_problem", "/report_problem")],
            )
            return {"ticket_id": None}
        return {"ticket_id": ticket.ref}

    def validate_ticket_comment(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "").strip()
        if not text:
            speech_for(self.services, tracker).utter(dispatcher, "tickets.empty_comment")
            return {"ticket_comment": None}
        return {"ticket_comment": text}


class ActionAskTicketId(KefuAction):
    def name(self) -> str:
        return "action_ask_ticket_id"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        customer_id = verified_customer_id(tracker, self.services)
        tickets = optional_lookup(
            lambda: self.services.records.list_tickets(customer_id, open_only=True)
            if customer_id
            else [],
            [],
        )
        speech = speech_for(self.services, tracker)
        if customer_id and not tickets:
            speech.utter(
                dispatcher,
                "tickets.no_open_which",
                buttons=[speech.button("buttons.report_problem", "/report_problem")],
            )
            return []
        speech.utter(
            dispatcher,
            "tickets.which_ticket",
            buttons=[
                speech.button(
                    "buttons.ticket",
                    f'/inform{{"ticket_id": "{t.ref}"}}',
                    ticket=t.ref,
                    subject=t.subject,
                )
                for t in tickets[:5]
            ],
        )
        return []


class ActionAddTicketComment(KefuAction):
    def name(self) -> str:
        return "action_add_ticket_comment"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        done = [SlotSet("ticket_id", None), SlotSet("ticket_comment", None)]
        identity = verified_customer_or_explain(dispatcher, tracker, self.services)
        if identity is None:
            return done
        ticket = own_ticket(
            self.services,
            identity.customer.id,
            parse_ticket_id(str(tracker.get_slot("ticket_id") or ""), allow_bare_number=True),
        )
        comment = tracker.get_slot("ticket_comment")
        if ticket is None or not comment:
            return done
        updated = self.services.records.add_ticket_comment(
            ticket.id, "customer", identity.customer.name, comment
        )
        speech = speech_for(self.services, tracker)
        speech.utter(
            dispatcher,
            "tickets.comment_added",
            ticket=updated.ref,
            status=ticket_state(speech, updated.status),
        )
        return done


class ActionAskTicketComment(AskQuestion):
    question = "tickets.ask_comment"

    def name(self) -> str:
        return "action_ask_ticket_comment"
