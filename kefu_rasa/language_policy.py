"""Keeps the conversation's `language` slot true before the bot says anything.

Each customer message may decide the language (helpdesk/language.py: Chinese text,
an English sentence, "说中文", or the page's language sent by the widget with its
first message). The slot has to be right before the next action runs, because
Rasa's responses pick their variation by it and the actions choose their texts by
it. A Rasa policy is the one place that runs then with the whole tracker in hand:
this one never predicts an action (all its probabilities are zero, so it never
wins) but returns the `SlotSet` as a prediction event, which Rasa applies whichever
policy wins. An entity from an NLU component would do the same through a slot
mapping, but every test story would then have to annotate it.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from helpdesk.language import language_of_message, normalize_language

LANGUAGE_SLOT = "language"
# Where the widget puts the page's language in a message's metadata.
HINT_KEY = "lang"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class KefuLanguagePolicy(Policy):
    """Sets `language` from the latest message; predicts nothing."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"priority": 0, "slot": LANGUAGE_SLOT}

    def train(
        self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[str, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        slot = self.config["slot"]
        events = []
        if any(known.name == slot for known in domain.slots):
            decided = self.language_for(tracker)
            if decided and decided != normalize_language(tracker.get_slot(slot)):
                events.append(SlotSet(slot, decided))
        return self._prediction(self._default_predictions(domain), events=events)

    @staticmethod
    def language_for(tracker: DialogueStateTracker) -> Optional[str]:
        """What the latest customer message decides, or None."""
        message = tracker.latest_message
        if message is None:
            return None
        metadata = message.metadata or {}
        return language_of_message(message.text or "", metadata.get(HINT_KEY))
