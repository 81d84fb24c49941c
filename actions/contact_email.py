"""An email address to answer at, for an anonymous visitor's ticket.

Outside support hours a request for a person becomes a ticket, and a person answers
it later in the chat. A visitor the bot does not know, who gave no address while
verifying, has closed the window by then and never hears the answer. So, when Kefu
sends email (`Settings.email_enabled`), the escalation (actions/handoff.py) asks
where the answer can be emailed as well: it keeps the new ticket's id in
`contact_ticket_id` and makes `contact_email_form` the active loop, which Rasa's
RulePolicy runs at once (an active loop comes before every rule), so the question
follows the ticket's message in the same turn. (A `FollowupAction` would start the
form too, but it is not an event a test story can hold, so `rasa test` could never
predict what follows it.)

The form asks once, and once more after an answer without an address; a "no
thanks" (or a second answer without one) ends it politely, and the answer still
comes into the chat. A known customer, a ticket that has an address, or email
being off never get the question: the escalation does not start the form, and the
validator asks nothing if it runs anyway. On submission
(data/rules/contact_email.yml) `action_save_contact_email` writes the address on
the ticket.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import KefuAction, KefuFormValidation, Services
from actions.speech import Speech, speech_for
from helpdesk.parsing import format_ticket_ref, parse_email

logger = logging.getLogger(__name__)

FORM = "contact_email_form"
CONTACT_EMAIL = "contact_email"
CONTACT_TICKET = "contact_ticket_id"
FAILURES = "contact_email_failures"
# Answers without an address before the form lets it go: one more try, no nagging.
MAX_ANSWERS_WITHOUT_ADDRESS = 2
# "No thanks", in the words customers use; an intent alone misses "I'd rather not".
_DECLINE = re.compile(
    r"\b(no|nope|nah|skip|not now|no thanks?|no thank you|rather not|don'?t want|"
    r"not needed|no need|no email)\b"
    r"|不用|不需要|不要|不了|算了|跳过|不想|先不|没有邮箱|没邮箱",
    re.IGNORECASE,
)
_DECLINE_INTENTS = frozenset({"deny", "nevermind"})


def given_address(tracker: Tracker) -> Optional[str]:
    """An email address the customer gave in this chat: while verifying, or for an
    earlier ticket's answer. A ticket opened now is answered at it."""
    return parse_email(tracker.get_slot("verification_email") or "") or parse_email(
        tracker.get_slot(CONTACT_EMAIL) or ""
    )


def should_ask(services: Services, ticket_address: Optional[str], new_ticket: bool) -> bool:
    """Whether the escalation asks for an address: only for a ticket it just opened
    that nobody can be emailed about (no recognised customer, no address given),
    and only when Kefu sends email at all."""
    return services.settings.email_enabled and new_ticket and not ticket_address


def ask_for_contact_email(ticket_id: int) -> List[EventType]:
    """The escalation's last events when it asks: the ticket the address is for,
    a fresh count of tries, and the form as the active loop (run in this turn)."""
    return [
        SlotSet(CONTACT_TICKET, str(ticket_id)),
        SlotSet(CONTACT_EMAIL, None),
        SlotSet(FAILURES, None),
        ActiveLoop(FORM),
    ]


def asks_for_contact_email(events: List[EventType]) -> bool:
    """Whether an action's events start the form (a caller that reverts the
    customer's message must keep them)."""
    return any(e.get("event") == "active_loop" and e.get("name") == FORM for e in events)


def still_asking(services: Services, tracker: Tracker) -> bool:
    """The form asks only for a ticket the escalation named, of a customer the bot
    does not know, while Kefu sends email (checked again on every turn)."""
    return bool(
        services.settings.email_enabled
        and tracker.get_slot(CONTACT_TICKET)
        and not tracker.get_slot("customer_id")
    )


def _ticket_ref(tracker: Tracker) -> str:
    return format_ticket_ref(int(tracker.get_slot(CONTACT_TICKET)))


def _intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def refuses(tracker: Tracker, text: str) -> bool:
    """ "No thanks", "never mind", "不用了"."""
    return _intent(tracker) in _DECLINE_INTENTS or bool(_DECLINE.search(text))


class ValidateContactEmailForm(KefuFormValidation):
    def name(self) -> str:
        return "validate_contact_email_form"

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        return [CONTACT_EMAIL] if still_asking(self.services, tracker) else []

    async def extract_contact_email(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """An address in an answer Rasa read as another request ("my email is
        ...", taken for an account question) is still the answer."""
        if tracker.get_slot("requested_slot") != CONTACT_EMAIL:
            return {}
        address = parse_email(tracker.latest_message.get("text") or "")
        return {CONTACT_EMAIL: address} if address else {}

    def validate_contact_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "")
        address = parse_email(text)
        if address:
            return {CONTACT_EMAIL: address}
        speech = speech_for(self.services, tracker)
        if refuses(tracker, text):
            speech.utter(dispatcher, "contact_email.declined", ticket=_ticket_ref(tracker))
            return {CONTACT_EMAIL: None, CONTACT_TICKET: None, FAILURES: None}
        if _intent(tracker) == "affirm":  # "yes please": the address comes next
            return {CONTACT_EMAIL: None}
        failures = int(tracker.get_slot(FAILURES) or 0) + 1
        if failures >= MAX_ANSWERS_WITHOUT_ADDRESS:
            speech.utter(dispatcher, "contact_email.gave_up", ticket=_ticket_ref(tracker))
            return {CONTACT_EMAIL: None, CONTACT_TICKET: None, FAILURES: None}
        return {CONTACT_EMAIL: None, FAILURES: float(failures)}


class ActionAskContactEmail(KefuAction):
    """The form's question: asked first after the ticket's message, again (with an
    example) after an answer without an address, and plainly after a "yes"."""

    def name(self) -> str:
        return "action_ask_contact_email"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        speech = speech_for(self.services, tracker)
        speech.utter(dispatcher, self.question(tracker), buttons=[self.no_thanks(speech)])
        return []

    @staticmethod
    def question(tracker: Tracker) -> str:
        if (tracker.get_slot(FAILURES) or 0) >= 1:
            return "contact_email.ask_again"
        # called for the customer's answer (not right after the escalation's message)
        answering = tracker.latest_action_name == "action_listen"
        if answering and _intent(tracker) == "affirm":
            return "contact_email.which_address"
        return "contact_email.ask"

    @staticmethod
    def no_thanks(speech: Speech) -> Dict[str, str]:
        return speech.button("contact_email.no_thanks_button", "/deny")


class ActionSaveContactEmail(KefuAction):
    """Writes the address on the ticket the escalation opened and says where the
    answer will come. A form that ended without one says nothing more (its
    validator already said so)."""

    def name(self) -> str:
        return "action_save_contact_email"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        done = [SlotSet(CONTACT_TICKET, None), SlotSet(FAILURES, None)]
        address = parse_email(tracker.get_slot(CONTACT_EMAIL) or "")
        ticket_id = tracker.get_slot(CONTACT_TICKET)
        if not (address and ticket_id and still_asking(self.services, tracker)):
            return done
        records = self.services.records
        ticket = records.get_ticket(int(ticket_id))
        if ticket is None or ticket.conversation_id != tracker.sender_id:
            # only the escalation sets the slot: this is not the chat's own ticket
            logger.warning("%s: ticket %s is not this chat's", tracker.sender_id, ticket_id)
            return done
        records.set_ticket_contact_email(ticket.id, address)
        speech_for(self.services, tracker).utter(
            dispatcher, "contact_email.saved", ticket=ticket.ref, email=address
        )
        return done
