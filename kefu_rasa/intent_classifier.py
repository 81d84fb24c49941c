"""Kefu's intent classifier, a Rasa graph component around `helpdesk.text_classifier`.

It builds its sparse features from the raw message text itself (emails, order and
ticket numbers masked to placeholder words) and takes the dense sentence embedding
that a featurizer before it (`KefuSentenceFeaturizer`) put on the message. Without
such a featurizer it classifies on the sparse features alone. See config.yml for
why it replaces Rasa's LogisticRegressionClassifier.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from helpdesk.parsing import mask_identifiers
from helpdesk.text_classifier import TextClassifier

logger = logging.getLogger(__name__)
_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class KefuIntentClassifier(IntentClassifier, GraphComponent):
    """TF-IDF word and character n-grams with a logistic regression."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"c": 10.0, "dense_weight": 1.0, "ranking_length": 10}

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        classifier: TextClassifier | None = None,
    ) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.classifier = classifier

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> KefuIntentClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(INTENT) and m.get(TEXT)]
        self.classifier = self._new_classifier(self.config).fit(
            [m.get(TEXT) for m in examples],
            [m.get(INTENT) for m in examples],
            dense=sentence_features(examples),
        )
        self._persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if self.classifier is None:
            return messages
        dense = sentence_features(messages) if self.classifier.uses_dense else None
        rankings = self.classifier.rank([m.get(TEXT) or "" for m in messages], dense)
        length = int(self.config["ranking_length"])
        for message, ranking in zip(messages, rankings, strict=True):
            entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
            message.set(INTENT, entries[0], add_to_output=True)
            message.set(
                INTENT_RANKING_KEY, entries[:length] if length > 0 else entries, add_to_output=True
            )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def _persist(self) -> None:
        import skops.io as sio

        assert self.classifier is not None
        with self._model_storage.write_to(self._resource) as model_dir:
            sio.dump(
                {
                    "words": self.classifier.words,
                    "chars": self.classifier.chars,
                    "model": self.classifier.model,
                    "uses_dense": self.classifier.uses_dense,
                },
                model_dir / "intent_classifier.skops",
            )

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> KefuIntentClassifier:
        import skops.io as sio

        try:
            with model_storage.read_from(resource) as model_dir:
                path = model_dir / "intent_classifier.skops"
                untrusted = sio.get_untrusted_types(file=path)
                unexpected = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
                if unexpected:
                    raise ValueError(f"unexpected types in {path}: {unexpected}")
                parts = sio.load(path, trusted=untrusted)
        except ValueError as error:
            logger.warning("Could not load the intent classifier (%s); untrained.", error)
            return cls(config, model_storage, resource)
        classifier = cls._new_classifier(config)
        classifier.words, classifier.chars = parts["words"], parts["chars"]
        classifier.model = parts["model"]
        classifier.model.coef_ = np.asfortranarray(classifier.model.coef_)  # see fit()
        classifier.uses_dense = bool(parts.get("uses_dense", False))
        return cls(config, model_storage, resource, classifier)

    @staticmethod
    def _new_classifier(config: Dict[str, Any]) -> TextClassifier:
        return TextClassifier(
            c=float(config["c"]),
            prepare=mask_identifiers,
            dense_weight=float(config["dense_weight"]),
        )


def sentence_features(messages: List[Message]) -> Optional[np.ndarray]:
    """The dense sentence embedding of each message, or None when no message has
    one (no dense featurizer in the pipeline). A message without one (an empty
    text) gets zeros: it is classified on its sparse features alone."""
    rows: List[Optional[np.ndarray]] = []
    for message in messages:
        _, sentence = message.get_dense_features(TEXT)
        rows.append(
            None if sentence is None else np.asarray(sentence.features, np.float32).reshape(-1)
        )
    width = next((len(row) for row in rows if row is not None), None)
    if width is None:
        return None
    return np.vstack([np.zeros(width, np.float32) if row is None else row for row in rows])
