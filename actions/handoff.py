"""Bringing in a person, with the whole conversation attached.

During support hours the bot records a handoff (transcript, reason, collected
details, identity and whether it was verified), tells the customer their place in
the queue, and ends its turn: from then on the handoff in the database keeps it
silent while a person takes over (Rasa's own pause is written only by the Rasa
process, kefu_rasa/pause.py, never by an action).
Outside them it opens a ticket with the same context and says when a person will
answer; a visitor nobody could email the answer to is then asked for an address
(actions/contact_email.py), when Kefu sends email.
"""

from __future__ import annotations

import logging
from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import KefuAction, Services
from actions.contact_email import ask_for_contact_email, given_address, should_ask
from actions.conversation import (
    collected_details,
    customer_messages,
    deactivate_form_events,
    transcript,
)
from actions.customer_identity import identity_slot_events, resolve_identity
from actions.faq import answer_before_acting
from actions.speech import Speech, speech_for
from helpdesk.conversation_records import HandoffView
from helpdesk.desk_texts import DeskTexts
from helpdesk.handoffs.escalation import EscalationRequest, escalate
from helpdesk.handoffs.queue_position import quoted_minutes
from helpdesk.records import RecordsUnavailable
from helpdesk.sentiment import conversation_negativity
from helpdesk.ticket_replies import where_the_answer_comes

logger = logging.getLogger(__name__)

# The customer's intent says why a person is needed.
REASON_BY_INTENT = {
    "request_human": "customer_request",
    "express_frustration": "customer_upset",
    "report_fraud": "fraud",
    "raise_legal_issue": "legal",
    "request_data_deletion": "privacy_deletion",
    "nlu_fallback": "not_understood",
}

# Why a person is needed, said first (`handoff.opening_<reason>`); when nobody can
# join now, an opening that does not promise somebody will (`handoff.later_<reason>`).
KNOWN_REASONS = frozenset(REASON_BY_INTENT.values())


def handed_over() -> EventType:
    """How an action that handed the chat to a person ends: the bot listens, and
    predicts nothing more this turn (whatever rule or form was running)."""
    return FollowupAction("action_listen")


def was_handed_over(events: List[EventType]) -> bool:
    return any(e.get("event") == "followup" and e.get("name") == "action_listen" for e in events)


def opening(speech: Speech, reason: str, nobody_now: bool = False) -> str:
    kind = "later" if nobody_now else "opening"
    known = reason if reason in KNOWN_REASONS else "customer_request"
    return speech.say(f"handoff.{kind}_{known}")


def escalate_conversation(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    services: Services,
    reason: str,
) -> List[EventType]:
    """Hands the conversation to a person; shared by every escalation trigger."""
    speech = speech_for(services, tracker)
    facts = services.facts
    events: List[EventType] = deactivate_form_events(tracker)
    try:
        identity, _ = resolve_identity(tracker, services)
        events += identity_slot_events(tracker, identity)
        outcome = escalate(
            services.records,
            services.conversations,
            facts,
            EscalationRequest(
                conversation_id=tracker.sender_id,
                reason=reason,
                transcript=transcript(tracker),
                collected=collected_details(tracker),
                customer=identity.customer if identity else None,
                identity_method=identity.method if identity else None,
                negativity=conversation_negativity(customer_messages(tracker)[-5:]),
                contact_email=given_address(tracker),
            ),
            services.now(),
            # the desk's later notices in this chat (an agent joined...) speak it too
            language=speech.language,
        )
    except RecordsUnavailable as error:
        logger.error("escalation could not be recorded: %s", error)
        speech.utter(
            dispatcher,
            "handoff.unreachable",
            support_email=facts.support_email,
            support_phone=facts.support_phone,
            support_hours=speech.support_hours(),
        )
        return events

    if outcome.kind == "already_queued":
        speech.utter(dispatcher, "handoff.already_queued")
        return events + [handed_over()]

    if outcome.kind == "queued":
        handoff = outcome.handoff
        assert handoff is not None
        dispatcher.utter_message(
            text=speech.say(
                "handoff.queued",
                opening=opening(speech, reason),
                position=place_in_queue(speech, handoff),
            ),
            handoff={
                "status": "waiting",
                "queue_position": handoff.queue_position,
                "typical_wait_seconds": int(handoff.typical_wait.total_seconds())
                if handoff.typical_wait
                else None,
            },
        )
        return events + [SlotSet("handoff_id", str(handoff.id)), handed_over()]

    opened = outcome.opened
    assert opened is not None and outcome.next_opening is not None
    ref = opened.ticket.ref
    recorded = (
        "handoff.recorded_ticket_updated"
        if outcome.kind == "ticket_updated"
        else "handoff.recorded_ticket"
    )
    # Where the ticket is answered at: the address stored on it (helpdesk/tickets.py
    # open_ticket: one given in this chat, else the recognised customer's). Email is
    # promised only when Kefu sends it; a visitor nobody can email is asked for one.
    address = opened.ticket.contact_email
    emailed = address if services.settings.email_enabled else None
    ask = should_ask(services, address, new_ticket=outcome.kind == "ticket")
    texts = DeskTexts(services.settings.knowledge_base_dir)
    dispatcher.utter_message(
        text=speech.say(
            "handoff.offline",
            opening=opening(speech, reason, nobody_now=True),
            support_hours=speech.support_hours(),
            reopen=speech.moment(outcome.next_opening, services.now()),
            recorded=speech.say(recorded, ticket=ref),
            due=speech.moment(opened.due, services.now()),
            # the same promise the desk makes when it turns a chat into a ticket
            contact=where_the_answer_comes(facts, ref, speech.language, texts, email=emailed),
        ),
        handoff={"status": "ticket", "ticket": ref},
    )
    if ask:
        return events + ask_for_contact_email(opened.ticket.id)
    return events


def place_in_queue(speech: Speech, handoff: HandoffView) -> str:
    """ "You're next in the queue. Lately a person has picked chats up within about
    3 minutes." """
    position = (
        speech.say("handoff.next_in_queue")
        if handoff.queue_position <= 1
        else speech.say("handoff.place_in_queue", position=handoff.queue_position)
    )
    if handoff.typical_wait is None:
        return position
    minutes = quoted_minutes(handoff.typical_wait)  # the queue's updates go by the same
    key = "handoff.typical_wait_minute" if minutes == 1 else "handoff.typical_wait_minutes"
    return speech.sentences([position, speech.say(key, minutes=minutes)])


class ActionEscalateToHuman(KefuAction):
    def name(self) -> str:
        return "action_escalate_to_human"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        reason = REASON_BY_INTENT.get(intent, "customer_request")
        # "Is there a number I can ring?" gets the number as well as a person.
        answered = answer_before_acting(self.services, dispatcher, tracker)
        return answered + escalate_conversation(dispatcher, tracker, self.services, reason)
