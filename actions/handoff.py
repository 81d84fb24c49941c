"""Bringing in a person, with the whole conversation attached.

During support hours the bot records a handoff (transcript, reason, collected
details, identity and whether it was verified), pauses itself so it stays silent
while a person takes over, and tells the customer their place in the queue.
Outside them it opens a ticket with the same context and says when a person will
answer.
"""

from __future__ import annotations

import logging
from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import KefuAction, Services
from actions.conversation import (
    collected_details,
    customer_messages,
    deactivate_form_events,
    transcript,
)
from actions.customer_identity import identity_slot_events, resolve_identity
from actions.faq import answer_before_acting
from helpdesk.escalation import EscalationRequest, escalate
from helpdesk.parsing import parse_email
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

_OPENING_LINES = {
    "customer_request": "Of course — I'll bring in a member of our support team.",
    "customer_upset": "I'm really sorry about this. Let me bring in a member of our support team who can sort it out.",
    "fraud": "That needs a person from our team, who can look into it securely.",
    "legal": "That's something a person from our team needs to handle.",
    "privacy_deletion": "A person from our team handles data deletion requests, so I'll pass this on.",
    "not_understood": "Sorry, I'm not getting this right. Let me bring in a member of our support team.",
}
# When nobody can join now, the opening must not promise that somebody will.
_OPENING_LINES_NOBODY_NOW = {
    "customer_request": "I'll make sure a person from our support team gets this.",
    "customer_upset": "I'm really sorry about this, and I'll make sure a person from our support team sorts it out.",
    "fraud": "That needs a person from our team, who can look into it securely.",
    "legal": "That's something a person from our team needs to handle.",
    "privacy_deletion": "A person from our team handles data deletion requests, so I'll pass this on.",
    "not_understood": "Sorry, I'm not getting this right, so I'll pass this to a person from our support team.",
}


def escalate_conversation(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    services: Services,
    reason: str,
) -> List[EventType]:
    """Hands the conversation to a person; shared by every escalation trigger."""
    facts = services.facts
    events: List[EventType] = deactivate_form_events(tracker)
    opening = _OPENING_LINES.get(reason, _OPENING_LINES["customer_request"])
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
                contact_email=parse_email(tracker.get_slot("verification_email") or ""),
            ),
            services.now(),
        )
    except RecordsUnavailable as error:
        logger.error("escalation could not be recorded: %s", error)
        dispatcher.utter_message(
            text="I'd like to bring in a person from our support team, but unfortunately I can't reach our support systems right now. "
            f"Please email {facts.support_email} or call {facts.support_phone} "
            f"({facts.support_hours_text}), "
            "and mention that the chat assistant sent you."
        )
        return events

    if outcome.kind == "already_queued":
        dispatcher.utter_message(
            text="You're already in the queue for a person from our support team. "
            "They'll join this chat as soon as they're free."
        )
        return events + [ConversationPaused()]

    if outcome.kind == "queued":
        handoff = outcome.handoff
        assert handoff is not None
        position = (
            "You're next in the queue."
            if handoff.queue_position <= 1
            else f"You're number {handoff.queue_position} in the queue."
        )
        if handoff.typical_wait is not None:
            minutes = max(1, round(handoff.typical_wait.total_seconds() / 60))
            position += (
                f" Lately a person has picked chats up within about {minutes} "
                f"minute{'' if minutes == 1 else 's'}."
            )
        dispatcher.utter_message(
            text=f"{opening} {position} They'll see our conversation so far, so you "
            "won't need to repeat anything. Please keep this chat open; you'll see "
            "here when they join.",
            handoff={
                "status": "waiting",
                "queue_position": handoff.queue_position,
                "typical_wait_seconds": int(handoff.typical_wait.total_seconds())
                if handoff.typical_wait
                else None,
            },
        )
        return events + [SlotSet("handoff_id", str(handoff.id)), ConversationPaused()]

    opened = outcome.opened
    assert opened is not None and outcome.next_opening is not None
    hours = facts.hours
    when = hours.describe_moment(opened.due, services.now())
    reopen = hours.describe_moment(outcome.next_opening, services.now())
    contact = where_the_answer_comes(facts, opened.ticket.ref)
    recorded = (
        f"I've added our conversation to your ticket {opened.ticket.ref}"
        if outcome.kind == "ticket_updated"
        else f"I've opened ticket {opened.ticket.ref} with everything we've discussed"
    )
    opening = _OPENING_LINES_NOBODY_NOW.get(reason, _OPENING_LINES_NOBODY_NOW["customer_request"])
    dispatcher.utter_message(
        text=f"{opening} Our support team is offline right now (we're open "
        f"{facts.support_hours_text}, except public holidays) and back {reopen}. "
        f"{recorded}, and a person will answer by {when}. {contact}",
        handoff={"status": "ticket", "ticket": opened.ticket.ref},
    )
    return events


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
