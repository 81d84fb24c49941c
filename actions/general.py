"""Conversation basics: session start, greeting, "never mind", "start over", and
what the bot does when it does not understand (twice in a row: a person)."""

from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import (
    ActionExecuted,
    EventType,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
)
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import KefuAction
from actions.contact_email import asks_for_contact_email
from actions.conversation import (
    actions_after,
    answered_from_articles,
    deactivate_form_events,
    previous_user_event,
)
from actions.customer_identity import TASK_SLOTS, identity_slot_events, resolve_identity
from actions.faq import answer_if_sure
from actions.handoff import escalate_conversation, was_handed_over
from actions.speech import Speech, speech_for
from helpdesk.chat_metadata import was_too_long
from helpdesk.parsing import parse_email, parse_order_id
from helpdesk.records import RecordsUnavailable

LONG_MESSAGE_CHARS = 600

# The buttons under a greeting and under "what can I help with?": catalogue key of
# the title, payload.
GREETING_BUTTONS = (
    ("buttons.where_is_my_order", "/check_order_status"),
    ("buttons.report_problem", "/report_problem"),
    ("buttons.returns_policy", '/ask_faq{"faq_topic": "return-window"}'),
    ("buttons.talk_to_person", "/request_human"),
)
SIGNED_IN_BUTTONS = (
    ("buttons.where_is_my_order", "/check_order_status"),
    ("buttons.my_tickets", "/check_ticket_status"),
    ("buttons.report_problem", "/report_problem"),
    ("buttons.talk_to_person", "/request_human"),
)
HELP_BUTTONS = (
    ("buttons.where_is_my_order", "/check_order_status"),
    ("buttons.report_problem", "/report_problem"),
    ("buttons.what_can_you_do", "/ask_capabilities"),
    ("buttons.talk_to_person", "/request_human"),
)


def buttons(speech: Speech, offered: Iterable[Tuple[str, str]]) -> List[Dict[str, str]]:
    return [speech.button(key, payload) for key, payload in offered]


class ActionSessionStart(KefuAction):
    """Starts a session with the company's name at hand for the responses."""

    def name(self) -> str:
        return "action_session_start"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        carried = [
            SlotSet(key, value)
            for key, value in tracker.current_slot_values().items()
            if value is not None and key != "requested_slot"
        ]
        recent = [e for e in tracker.events if e.get("event") != "user_featurization"]
        last = recent[-1] if recent else {}
        intent = ((last.get("parse_data") or {}).get("intent") or {}).get("name")
        if last.get("event") == "user" and intent == "session_start":
            # The customer typed Rasa's /session_start command: say so, as for /restart.
            dispatcher.utter_message(response="utter_restart")
        return [
            SessionStarted(),
            *carried,
            SlotSet("company_name", self.services.facts.name),
            ActionExecuted("action_listen"),
        ]

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        try:
            return await self.act(dispatcher, tracker, domain)
        except Exception:  # a session must start even when the facts file is broken
            return [SessionStarted(), ActionExecuted("action_listen")]


class ActionGreet(KefuAction):
    """Greets by name a customer who arrives signed in on the website."""

    def name(self) -> str:
        return "action_greet"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        speech = speech_for(self.services, tracker)
        company = speech.facts.name
        try:
            identity, _ = resolve_identity(tracker, self.services)
        except RecordsUnavailable:
            identity = None  # a greeting must not fail because the records are down
        if identity is None:
            speech.utter(
                dispatcher,
                "general.greet",
                company_name=company,
                buttons=buttons(speech, GREETING_BUTTONS),
            )
            return identity_slot_events(tracker, None)
        speech.utter(
            dispatcher,
            "general.greet_signed_in",
            company_name=company,
            first_name=identity.customer.first_name,
            buttons=buttons(speech, SIGNED_IN_BUTTONS),
        )
        return identity_slot_events(tracker, identity)


def failed_last_time(tracker: Tracker) -> bool:
    """Whether the bot also failed to understand the customer's previous message."""
    previous = previous_user_event(tracker)
    if previous is None or was_too_long(previous.get("metadata")):
        return False  # a message too long to read was not misunderstood
    if answered_from_articles(tracker, previous):
        return False
    intent = ((previous.get("parse_data") or {}).get("intent") or {}).get("name")
    return intent == "nlu_fallback" or "action_default_fallback" in actions_after(tracker, previous)


# Wanting a person and being upset are one wish told two ways; together they are
# never "not understood", however the classifier split its belief between them.
ESCALATION_INTENTS = ("request_human", "express_frustration")
ESCALATION_SHARE = 0.4


def wants_a_person(tracker: Tracker) -> Optional[str]:
    """The escalation reason when the classifier's two best guesses (behind the
    fallback) are about wanting a person or being upset, and together sure enough."""
    ranking = [
        r
        for r in tracker.latest_message.get("intent_ranking") or []
        if r.get("name") != "nlu_fallback"
    ][:2]
    if not ranking or ranking[0].get("name") not in ESCALATION_INTENTS:
        return None
    share = sum(r.get("confidence", 0.0) for r in ranking if r.get("name") in ESCALATION_INTENTS)
    if share < ESCALATION_SHARE:
        return None
    upset = any(r.get("name") == "express_frustration" for r in ranking)
    return "customer_upset" if upset else "customer_request"


class ActionHandleFallback(KefuAction):
    """The bot did not understand: ask again with suggestions, and bring in a
    person when it happens twice in a row."""

    def name(self) -> str:
        return "action_handle_fallback"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        text = (tracker.latest_message.get("text") or "").strip()
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        reason = wants_a_person(tracker)
        if reason == "customer_upset":  # anger and a person: no article will do
            return escalate_conversation(dispatcher, tracker, self.services, reason)
        names_something = parse_order_id(text) or parse_email(text)
        if not names_something and 0 < len(text) <= LONG_MESSAGE_CHARS:
            # "hotline number" reads like information given; "is there a number I
            # can ring?" like a wish for a person: both ask what an article says.
            answered = answer_if_sure(self.services, dispatcher, tracker, text)
            if answered is not None:
                return answered
        if reason is not None:
            return escalate_conversation(dispatcher, tracker, self.services, reason)
        if failed_last_time(tracker):
            return escalate_conversation(dispatcher, tracker, self.services, "not_understood")
        speech = speech_for(self.services, tracker)
        if intent == "inform":
            self._unexpected_information(dispatcher, speech, text)
        elif not text:
            speech.utter(
                dispatcher, "general.empty_message", buttons=buttons(speech, HELP_BUTTONS)
            )
        elif len(text) > LONG_MESSAGE_CHARS:
            speech.utter(
                dispatcher,
                "general.long_message",
                buttons=[
                    speech.button("buttons.open_ticket", "/report_problem"),
                    speech.button("buttons.talk_to_person", "/request_human"),
                ],
            )
        else:
            speech.utter(
                dispatcher, "general.not_understood", buttons=buttons(speech, HELP_BUTTONS)
            )
        return []

    @staticmethod
    def _unexpected_information(
        dispatcher: CollectingDispatcher, speech: Speech, text: str
    ) -> None:
        """An order number or email with no question before it: offer what can be
        done with it instead of saying "I don't understand"."""
        order_id = parse_order_id(text)
        if order_id is None:
            speech.utter(
                dispatcher, "general.what_to_do_with_it", buttons=buttons(speech, HELP_BUTTONS)
            )
            return
        entity = f'{{"order_id": "{order_id}"}}'
        speech.utter(
            dispatcher,
            "general.about_order",
            order_id=order_id,
            buttons=[
                speech.button("buttons.where_is_it", f"/check_order_status{entity}"),
                speech.button("buttons.report_problem_with_it", f"/report_problem{entity}"),
                speech.button("buttons.cancel_it", f"/cancel_order{entity}"),
            ],
        )


class ActionHandleOutOfScope(KefuAction):
    """Outside what the bot does, unless an article surely answers it after all:
    "what number do I ring to get hold of you lot" reads like small talk to the
    classifier and is a question about the phone number."""

    def name(self) -> str:
        return "action_handle_out_of_scope"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        text = (tracker.latest_message.get("text") or "").strip()
        if 0 < len(text) <= LONG_MESSAGE_CHARS:
            answered = answer_if_sure(self.services, dispatcher, tracker, text)
            if answered is not None:
                return answered
        dispatcher.utter_message(response="utter_out_of_scope")
        return []


class ActionDefaultFallback(ActionHandleFallback):
    """Rasa's core fallback (no rule fits the conversation) handled the same way.

    Like Rasa's own, it reverts the customer's message afterwards: the message stays
    in the transcript, but the dialogue carries on as if it had not come, so no rule
    is thrown off by it and the fallback is not predicted again in a loop."""

    def name(self) -> str:
        return "action_default_fallback"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        events = await super().act(dispatcher, tracker, domain)
        if was_handed_over(events) or asks_for_contact_email(events):
            return events  # reverting would undo the handoff, or the form it started
        return events + [UserUtteranceReverted()]


def clear_task_events(tracker: Tracker) -> List[EventType]:
    return deactivate_form_events(tracker) + [
        SlotSet(slot, None) for slot in TASK_SLOTS if tracker.get_slot(slot) is not None
    ]


class ActionCancelCurrentTask(KefuAction):
    """ "Never mind": stop what we were doing, keep who the customer is."""

    def name(self) -> str:
        return "action_cancel_current_task"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        speech = speech_for(self.services, tracker)
        form = (tracker.active_loop or {}).get("name")
        if form:
            # Each form's name is `general.task_<form>`; a form without one is "that".
            task = speech.word(f"general.task_{form}", speech.say("general.task_other"))
            speech.utter(dispatcher, "general.stopped_task", task=task)
        else:
            speech.utter(dispatcher, "general.stopped")
        return clear_task_events(tracker)


class ActionStartOver(KefuAction):
    """ "Start over": a clean slate for the task; a verified customer stays verified
    so they do not have to prove who they are again."""

    def name(self) -> str:
        return "action_start_over"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        speech = speech_for(self.services, tracker)
        speech.utter(dispatcher, "general.start_over", buttons=buttons(speech, HELP_BUTTONS))
        return clear_task_events(tracker)
