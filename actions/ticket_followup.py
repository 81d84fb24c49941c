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
from actions.formatting import quoted, ticket_summary
from actions.identity import IdentityFormValidation, verified_customer_or_explain
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
        facts = self.services.facts
        wanted = parse_ticket_id(str(tracker.get_slot("ticket_id") or ""), allow_bare_number=True)
        if wanted:
            ticket = own_ticket(self.services, identity.customer.id, wanted)
            if ticket is not None:
                dispatcher.utter_message(
                    text=ticket_summary(facts, ticket), buttons=_ticket_actions(ticket)
                )
                return [SlotSet("ticket_id", None)]
            dispatcher.utter_message(text="I couldn't find that ticket on your account.")
        tickets = self.services.records.list_tickets(identity.customer.id)
        open_tickets = [t for t in tickets if t.is_open]
        if not tickets:
            dispatcher.utter_message(
                text="You don't have any tickets with us.",
                buttons=[{"title": "Report a problem", "payload": "/report_problem"}],
            )
        elif not open_tickets:
            latest = tickets[0]
            dispatcher.utter_message(
                text=f"You have no open tickets. Your latest was {latest.ref} ({quoted(latest.subject)}), "
                f"which is {latest.status}.",
                buttons=[{"title": "Report a new problem", "payload": "/report_problem"}],
            )
        else:
            dispatcher.utter_message(
                text="Your open tickets:\n\n"
                + "\n\n".join(ticket_summary(facts, t) for t in open_tickets[:3]),
                buttons=_ticket_actions(open_tickets[0]),
            )
        offer_to_resume_ticket(dispatcher, tracker)
        return [SlotSet("ticket_id", None)]


def _ticket_actions(ticket: TicketView) -> List[Dict[str, str]]:
    if ticket.status == "closed":
        return []
    return [
        {
            "title": f"Add information to {ticket.ref}",
            "payload": f'/add_ticket_comment{{"ticket_id": "{ticket.ref}"}}',
        }
    ]


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
        if ticket is None:
            dispatcher.utter_message(
                text="I couldn't find that ticket on your account. Ticket numbers look like T-00042."
            )
            return {"ticket_id": None}
        if ticket.status == "closed":
            dispatcher.utter_message(
                text=f"Ticket {ticket.ref} is closed, so it can't take more information. "
                "You can report the problem again and I'll open a new ticket.",
                buttons=[{"title": "Report a problem", "payload": "/report_problem"}],
            )
            return {"ticket_id": None}
        return {"ticket_id": ticket.ref}

    def validate_ticket_comment(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "").strip()
        if not text:
            dispatcher.utter_message(text="The message was empty. What would you like to add?")
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
        if customer_id and not tickets:
            dispatcher.utter_message(
                text="You don't have any open tickets. Which ticket do you mean? Or I can open a new one.",
                buttons=[{"title": "Report a problem", "payload": "/report_problem"}],
            )
            return []
        dispatcher.utter_message(
            text="Which ticket should I add it to?",
            buttons=[
                {"title": f"{t.ref}: {t.subject}", "payload": f'/inform{{"ticket_id": "{t.ref}"}}'}
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
        dispatcher.utter_message(
            text=f"I've added that to ticket {updated.ref}; our team will see it. "
            f"It's {updated.status} right now."
        )
        return done


class ActionAskTicketComment(AskQuestion):
    question = "What would you like to add to the ticket? I'll pass it on word for word."

    def name(self) -> str:
        return "action_ask_ticket_comment"
