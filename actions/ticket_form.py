"""The ticket form: collecting a problem's details in the customer's own words.

Each answer is read for everything it holds, not only for the question asked: an
order number typed when the category was asked is kept, and so is a description;
the category is inferred from the description by a trained classifier
(helpdesk.ticket_categories) and confirmed in the summary rather than asked. No
question is asked more than twice: then the best guess goes into the summary for
the customer to confirm. "No, change it" asks which detail to change. (The questions
themselves are in actions/ticket_questions.py.)
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.faq import quote_answers
from actions.identity import IdentityFormValidation
from actions.orders import (
    NO_ORDER,
    order_meant_on_activation,
    own_order_or_explain,
)
from actions.speech import speech_for
from helpdesk.company import CompanyFacts
from helpdesk.conversation_identity import Identity
from helpdesk.parsing import asks_a_question, count_words, parse_order_id, parse_urgency

# No question is asked more than this many times; then the best guess goes into the
# summary, where the customer confirms or changes it.
MAX_ASKS = 2
# The details "No, change it" can change, as the customer may name them (in English
# or Chinese; the buttons of utter_ask_ticket_change send the English words).
CHANGEABLE = {
    "ticket_category": ("category", "kind", "type", "topic", "类型", "类别", "分类", "种类"),
    "order_id": ("order", "订单", "单号"),
    "ticket_description": (
        "description",
        "describe",
        "wording",
        "text",
        "what happened",
        "描述",
        "内容",
        "经过",
        "说明",
    ),
    "ticket_urgency": ("urgency", "urgent", "priority", "紧急", "急", "优先"),
}


# Messages that are never an answer to the form's question.
ESCAPE_INTENTS = (
    "nevermind",
    "start_over",
    "request_human",
    "express_frustration",
    "greet",
    "goodbye",
    "bot_challenge",
    "ask_capabilities",
    "check_order_status",
    "check_ticket_status",
    "check_account",
    "raise_legal_issue",
    "request_data_deletion",
)


def asks_a_question_first(intent: Optional[str], text: str) -> bool:
    """A question about a rule asked in the middle of the form ("wait, how long
    do I have to return it?"): answered first, not taken for an answer."""
    return intent == "ask_faq" and asks_a_question(text)


def times_asked(tracker: Tracker, ask_action: str) -> int:
    """How often the form asked this question since it started. Rasa runs a form's
    question inside the form's own turn, so the tracker holds no ActionExecuted of
    the question: what it holds is the bot's message, marked with the action that
    sent it (`utter_action`)."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name") == "ticket_form":
            break
        kind = event.get("event")
        said_by = (event.get("metadata") or {}).get("utter_action")
        asked_by_action = kind == "action" and event.get("name") == ask_action
        count += asked_by_action or (kind == "bot" and said_by == ask_action)
    return count


TICKET_TASK_SLOTS = (
    "ticket_category",
    "order_id",
    "ticket_description",
    "ticket_urgency",
    "ticket_confirmed",
)
TRIGGER_INTENTS = ("report_problem", "request_return")
MIN_DESCRIPTION_WORDS = 4
_NOT_AN_ORDER = (
    "none",
    "no order",
    "not about an order",
    "not about an order.",
    "no",
    "n/a",
    "nope",
    "无",
    "没有",
    "没",
    "不是",
    "没有订单",
    "和订单无关",
    "跟订单无关",
    "与订单无关",
    "不是订单的问题",
    "不涉及订单",
)


def describes_a_problem(text: str, category: Optional[str]) -> bool:
    """Whether the message that started the ticket already tells what went wrong
    ("the soundbar arrived dented and scratched"), rather than just asking for help
    ("I want to open a ticket", "I'd like to return the fridge")."""
    if text.startswith("/"):
        return False
    words = count_words(text)
    if category in (None, "return_request", "cancellation", "other"):
        return words >= 14
    return words >= 6


class ValidateTicketForm(IdentityFormValidation):
    def name(self) -> str:
        return "validate_ticket_form"

    def task_slots(self, tracker: Tracker) -> List[str]:
        slots = ["ticket_category"]
        category = self.services.facts.ticket_categories.get(
            tracker.get_slot("ticket_category") or ""
        )
        if category is None or category.needs_order:
            slots.append("order_id")
        slots += ["ticket_description", "ticket_urgency"]
        if tracker.get_slot("ticket_confirmed") is False:
            slots.append("ticket_change")  # "No, change it": which detail?
        return slots + ["ticket_confirmed"]

    async def prefill(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        identity: Optional[Identity],
        activating: bool,
    ) -> List[EventType]:
        """Keeps what the customer already said ("my TV arrived cracked, BW-104233")
        so they are not asked for it again."""
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        if not activating:
            events = self._what_else_was_said(tracker, (message.get("text") or "").strip())
            tracker.add_slots(events)
            return events
        if intent not in TRIGGER_INTENTS:
            return []
        text = (message.get("text") or "").strip()
        events = order_meant_on_activation(self.services, tracker, identity, activating)
        guess = self.facts(tracker).guess_category(text)
        if tracker.get_slot("ticket_category") is None:
            category = "return_request" if intent == "request_return" else guess
            if category:
                events.append(SlotSet("ticket_category", category))
        if tracker.get_slot("ticket_description") is None and describes_a_problem(text, guess):
            events.append(SlotSet("ticket_description", text))
        return events

    def rule_first(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        """The rule the customer asked about; failing that, the one that applies to
        this kind of problem ("report within 48 hours with a photo; the replacement
        ships free"), before the questions, unless the customer has just read it."""
        answered = super().rule_first(dispatcher, tracker)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if answered or intent not in TRIGGER_INTENTS:
            return answered
        category = self.services.facts.ticket_categories.get(
            tracker.get_slot("ticket_category") or ""
        )
        if category is None or not category.policy_topic:
            return []
        if tracker.get_slot("faq_topic") == category.policy_topic:
            return []
        language = self.services.language_of(tracker)
        topic = self.services.knowledge_base(language).topic(category.policy_topic)
        if topic is None:
            return []
        return quote_answers(self.services, dispatcher, tracker, [topic])

    def extract_ticket_description(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """What the customer writes when asked for the description is the
        description, whatever the classifier made of it ("[Reset your password](…)
        the box arrived crushed" is no password question), unless they ask a
        question or want out: then nothing is taken, and the bot answers first."""
        if tracker.get_slot("requested_slot") != "ticket_description":
            return {}
        message = tracker.latest_message or {}
        text = (message.get("text") or "").strip()
        intent = (message.get("intent") or {}).get("name")
        if not text or text.startswith("/") or intent in ESCAPE_INTENTS:
            return {}
        if asks_a_question_first(intent, text):
            return {}
        return {"ticket_description": text}

    def _what_else_was_said(self, tracker: Tracker, text: str) -> List[EventType]:
        """Details an answer holds beyond the question asked: the order number typed
        when the category was asked, the description typed when the order was."""
        if not text or text.startswith("/"):
            return []
        asked = tracker.get_slot("requested_slot")
        events: List[EventType] = []
        order_id = parse_order_id(text)
        if asked != "order_id" and order_id and not tracker.get_slot("order_id"):
            events.append(SlotSet("order_id", order_id))
        facts = self.facts(tracker)
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        taking_description = (
            asked not in ("ticket_description", "ticket_change")
            and not asks_a_question_first(intent, text)
            and not tracker.get_slot("ticket_description")
        )
        guess = facts.guess_category(text) if taking_description else None
        if taking_description and describes_a_problem(text, guess):
            events.append(SlotSet("ticket_description", text))
            if guess and not tracker.get_slot("ticket_category") and asked != "ticket_category":
                events.append(SlotSet("ticket_category", guess))
        urgency = parse_urgency(text)
        if asked != "ticket_urgency" and urgency and not tracker.get_slot("ticket_urgency"):
            events.append(SlotSet("ticket_urgency", urgency))
        return events

    def facts(self, tracker: Tracker) -> CompanyFacts:
        """The facts in the conversation's language: its category labels, and the
        example descriptions the category guess learns from."""
        return self.services.facts_in(self.services.language_of(tracker))

    def validate_ticket_category(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        facts = self.facts(tracker)
        text = str(value or "").strip().lower()
        if text.startswith("/"):
            return {"ticket_category": None}  # a button of an earlier question
        for key, category in facts.ticket_categories.items():
            english = self.services.facts.ticket_categories.get(key, category)
            if text in (key, category.label.lower(), english.label.lower()):
                return {"ticket_category": key}
        guess = facts.guess_category(text)
        if guess:
            return {"ticket_category": guess}
        if times_asked(tracker, "action_ask_ticket_category") >= MAX_ASKS:
            # Asked twice: the likeliest category, from everything said, goes into
            # the summary for the customer to confirm or change.
            said = " ".join(filter(None, [tracker.get_slot("ticket_description"), text]))
            return {"ticket_category": facts.category_classifier().ranked(said)[0][0]}
        speech_for(self.services, tracker).utter(dispatcher, "ticket_form.category_not_caught")
        return {"ticket_category": None}

    def validate_order_id(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if str(value or "").strip().lower().rstrip(".!。！") in _NOT_AN_ORDER:
            return {"order_id": NO_ORDER}
        if parse_order_id(str(value or "")) is None:
            if times_asked(tracker, "action_ask_ticket_form_order_id") >= MAX_ASKS:
                return {"order_id": NO_ORDER}  # the team will ask; the summary says "none"
            # A description typed where the order was asked is kept (see
            # _what_else_was_said); the question comes again, with the buttons.
            return {"order_id": None}
        return own_order_or_explain(
            self.services,
            dispatcher,
            tracker,
            value,
            "ticket_form.pick_order_hint",
        )

    def validate_ticket_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "").strip()
        short = count_words(text) < MIN_DESCRIPTION_WORDS and len(text) < 20
        if short and text and times_asked(tracker, "action_ask_ticket_description") < MAX_ASKS:
            speech_for(self.services, tracker).utter(dispatcher, "ticket_form.more_detail")
            return {"ticket_description": None}
        return {"ticket_description": text}

    def validate_ticket_urgency(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "")
        level = text if text in self.services.facts.urgencies else parse_urgency(text)
        if level is None and times_asked(tracker, "action_ask_ticket_urgency") >= MAX_ASKS:
            level = "normal"
        if level is None:
            speech_for(self.services, tracker).utter(dispatcher, "ticket_form.choose_urgency")
        return {"ticket_urgency": level}

    def validate_ticket_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if value is True:
            return {"ticket_confirmed": True}
        if value is False:
            # "No, change it": the form asks which detail (ticket_change) next.
            return {"ticket_confirmed": False, "ticket_change": None}
        return {"ticket_confirmed": None}

    def validate_ticket_change(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """Empties the detail the customer named so the form asks it again, then
        shows the summary once more."""
        text = str(value or "").strip().lower()
        slot = next(
            (
                name
                for name, words in CHANGEABLE.items()
                if text == name or any(w in text for w in words)
            ),
            None,
        )
        if slot is None:
            if times_asked(tracker, "utter_ask_ticket_change") >= MAX_ASKS:
                return {slot: None for slot in TICKET_TASK_SLOTS}  # start the questions again
            dispatcher.utter_message(response="utter_ticket_change_not_understood")
            return {"ticket_change": None}
        return {slot: None, "ticket_change": None, "ticket_confirmed": None}
