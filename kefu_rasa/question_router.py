"""The rule first, then the offer to act: a Rasa component that sends policy
questions told as a customer's own story to the knowledge base.

"I got a kettle two weeks ago and hate it, can it go back?" reads like a return
request (its words are those of `request_return`) but asks what the rule is. Sent
to the return flow, the customer is asked to prove who they are before hearing
whether the kettle can go back at all. When such a message asks rather than tells
(it is phrased as a question), names no order, email or ticket, and the classifier
also gave `ask_faq` a real share of its belief, this component makes `ask_faq` the
intent. A statement ("I bought headphones five weeks ago and don't like them")
needs a larger share. the FAQ answer then offers to start the return (company.yml `follow_ups`).
A plain request ("I want to return my kettle") is left alone. A greeting or goodbye
that the classifier also reads as a question ("chat hours") is a question too.

It sits after the intent classifier and the entity extractor and before the
FallbackClassifier, and changes only the ranking's order, so what it did is visible
in the parse data (`intent_ranking`) and in `rasa test nlu`.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from helpdesk.parsing import asks_a_question


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class KefuQuestionRouter(GraphComponent):
    """Puts `faq_intent` first for question-shaped messages of `task_intents`."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "faq_intent": "ask_faq",
            "task_intents": [
                "request_return",
                "check_order_status",
                "cancel_order",
                "report_problem",
                "check_account",
                # "I don't own a credit card, only PayPal" is no fraud report
                "report_fraud",
                "request_data_deletion",
                "raise_legal_issue",
            ],
            # ask_faq's confidence relative to the top intent's, at least, for a
            # question and for a statement. Set on tests/nlu/test_set.yml: 2 of its
            # 124 requests of these intents are sent to the knowledge base.
            "min_faq_share": 0.2,
            "min_faq_share_statement": 0.4,
            # A greeting or a goodbye that also reads like a question ("chat hours"
            # is a goodbye by its word "chat") is a question: a goodbye said to a
            # customer who asked something ends the chat on them, while a question
            # mistaken for a goodbye only gets an answer or topics to choose from.
            # None of the held-out set's greetings and goodbyes gives ask_faq even
            # a tenth of the top intent's confidence.
            "small_talk_intents": ["greet", "goodbye"],
            "min_faq_share_small_talk": 0.15,
            "identifying_entities": ["order_id", "email", "ticket_id"],
        }

    def __init__(self, config: Dict[str, Any]) -> None:
        self.config = config

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> KefuQuestionRouter:
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._route(message)
        return messages

    def _route(self, message: Message) -> None:
        ranking = list(message.get(INTENT_RANKING_KEY) or [])
        if len(ranking) < 2:
            return
        small_talk = ranking[0]["name"] in self.config["small_talk_intents"]
        if not small_talk and ranking[0]["name"] not in self.config["task_intents"]:
            return
        faq = next((r for r in ranking if r["name"] == self.config["faq_intent"]), None)
        if faq is None:
            return
        names = {e.get("entity") for e in message.get(ENTITIES) or []}
        if names & set(self.config["identifying_entities"]):
            return
        if small_talk:
            share = float(self.config["min_faq_share_small_talk"])
        elif asks_a_question(message.get(TEXT) or ""):
            share = float(self.config["min_faq_share"])
        else:
            share = float(self.config["min_faq_share_statement"])
        if faq["confidence"] < ranking[0]["confidence"] * share:
            return
        top = ranking[0]
        # ask_faq takes the task's confidence and the task ask_faq's, so the
        # FallbackClassifier judges the message as surely as before.
        reordered = [
            {"name": faq["name"], "confidence": top["confidence"]},
            {"name": top["name"], "confidence": faq["confidence"]},
        ] + [r for r in ranking[1:] if r["name"] != faq["name"]]
        message.set(INTENT, reordered[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, reordered, add_to_output=True)
