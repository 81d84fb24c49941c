"""How did it go? A 1-5 rating and an optional comment when a conversation ends.

The survey is only asked once per conversation, and only when the bot actually did
something for the customer (a greeting and a goodbye are not worth rating).
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import AskQuestion, KefuAction, KefuFormValidation
from actions.customer_identity import verified_customer_id
from actions.speech import Speech, speech_for
from helpdesk.parsing import parse_rating

SKIPPED = "skipped"
NO_COMMENT = "-"
SMALL_TALK = {"greet", "goodbye", "thank", "affirm", "deny", "nlu_fallback", "out_of_scope", None}
_DECLINE = re.compile(
    r"\b(no|nope|skip|not now|no thanks|rather not|don'?t want)\b"
    r"|不用了?|不了|跳过|算了|不想|不要|不评|没空|下次吧|先不",
    re.IGNORECASE,
)


def was_served(tracker: Tracker) -> bool:
    """Whether the customer asked for something beyond small talk."""
    return any(
        ((e.get("parse_data") or {}).get("intent") or {}).get("name") not in SMALL_TALK
        for e in tracker.events
        if e.get("event") == "user"
    )


class ValidateCsatForm(KefuFormValidation):
    def name(self) -> str:
        return "validate_csat_form"

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        if tracker.get_slot("csat_rating") is None and (
            not was_served(tracker) or self.services.conversations.has_rating(tracker.sender_id)
        ):
            return []
        return ["csat_rating", "csat_comment"]

    def validate_csat_rating(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "")
        rating = parse_rating(text)
        if rating is not None:
            return {"csat_rating": str(rating)}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "deny" or _DECLINE.search(text):
            return {"csat_rating": SKIPPED, "csat_comment": NO_COMMENT}
        speech_for(self.services, tracker).utter(dispatcher, "feedback.pick_number")
        return {"csat_rating": None}

    def validate_csat_comment(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "").strip()
        intent = tracker.latest_message.get("intent") or {}
        if intent.get("name") in ("nevermind", "start_over") and intent.get("confidence", 0) >= 0.7:
            return {"csat_comment": NO_COMMENT}  # "never mind" is not a comment
        return {"csat_comment": text or NO_COMMENT}


class ActionAskCsatRating(AskQuestion):
    question = "feedback.ask_rating"

    def buttons_for(self, speech: Speech) -> List[Dict[str, str]]:
        return [
            speech.button(
                "buttons.rating", f'/inform{{"rating": "{n}"}}', number=n, stars="★" * n
            )
            for n in range(5, 0, -1)
        ]

    def name(self) -> str:
        return "action_ask_csat_rating"


class ActionAskCsatComment(AskQuestion):
    question = "feedback.ask_comment"

    def buttons_for(self, speech: Speech) -> List[Dict[str, str]]:
        return [speech.button("buttons.no_comment", "/deny")]

    def name(self) -> str:
        return "action_ask_csat_comment"


class ActionStoreRating(KefuAction):
    """Stores the rating with the conversation (the rule then says goodbye)."""

    def name(self) -> str:
        return "action_store_rating"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        rating = tracker.get_slot("csat_rating")
        if rating and rating.isdigit():
            comment = tracker.get_slot("csat_comment")
            customer_id = verified_customer_id(tracker, self.services)
            self.services.deferred.submit(
                f"a rating of {rating} in {tracker.sender_id}",
                lambda: self.services.conversations.record_rating(
                    tracker.sender_id,
                    int(rating),
                    None if comment in (None, NO_COMMENT) else comment,
                    customer_id,
                ),
            )
            speech_for(self.services, tracker).utter(dispatcher, "feedback.thanks")
        return []
