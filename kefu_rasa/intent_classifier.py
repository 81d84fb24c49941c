"""Kefu's intent classifier, a Rasa graph component around `helpdesk.text_classifier`.

It builds its sparse features from the raw message text itself (emails, order and
ticket numbers masked to placeholder words) and takes the dense sentence embedding
that a featurizer before it (`KefuSentenceFeaturizer`) put on the message. Without
such a featurizer it classifies on the sparse features alone. See config.yml for
why it replaces Rasa's LogisticRegressionClassifier.

There is one model per language of the training examples (helpdesk/language.py
tells Chinese from the rest): a message is classified by the model of its own
language. English and Chinese share no n-grams, so a joint model would learn
little from the other language, and kept apart, adding Chinese data cannot move
a single English prediction. A language without a model of its own (too few
intents) is classified by the default language's.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from pathlib import Path
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

from helpdesk.language import CHINESE, ENGLISH, detect_language
from helpdesk.parsing import mask_identifiers
from helpdesk.text_classifier import TextClassifier

logger = logging.getLogger(__name__)
# The code that turns examples into a model. Rasa's training cache keys on the
# config and the data only, so without these in the fingerprint an edited feature
# would silently keep the model trained by the old code until the cache is wiped.
_MODEL_CODE = (
    __name__,
    "helpdesk.text_classifier",
    "helpdesk.chinese_text",
    "helpdesk.parsing",
    "helpdesk.language",
    "helpdesk.order_numbers",
    "helpdesk.text_normalization",
)
_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class KefuIntentClassifier(IntentClassifier, GraphComponent):
    """TF-IDF word and character n-grams with a logistic regression."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"c": 10.0, "dense_weight": 1.0, "ranking_length": 10}

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """A hash of the code in `_MODEL_CODE`, so that Rasa retrains this component
        when that code changes and not only when the data does."""
        digest = hashlib.sha256()
        for name in _MODEL_CODE:
            module = sys.modules.get(name) or __import__(name, fromlist=["_"])
            digest.update(Path(module.__file__).read_bytes())
        return digest.hexdigest()

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        classifiers: Dict[str, TextClassifier] | None = None,
    ) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        # language -> its model; ENGLISH is the default
        self.classifiers: Dict[str, TextClassifier] = dict(classifiers or {})

    @property
    def classifier(self) -> Optional[TextClassifier]:
        """The default language's model."""
        return self.classifiers.get(ENGLISH)

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
        by_language: Dict[str, List[Message]] = {}
        for example in examples:
            by_language.setdefault(language_of(example.get(TEXT)), []).append(example)
        self.classifiers = {}
        for language, group in sorted(by_language.items()):
            if language != ENGLISH and len({m.get(INTENT) for m in group}) < 2:
                logger.warning("Too few %s intents for a model of their own.", language)
                continue
            self.classifiers[language] = self._new_classifier(self.config, language).fit(
                [m.get(TEXT) for m in group],
                [m.get(INTENT) for m in group],
                dense=sentence_features(group),
            )
        self._persist()
        return self._resource

    def model_for(self, text: str) -> Optional[TextClassifier]:
        return self.classifiers.get(language_of(text)) or self.classifier

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._classify(message)
        return messages

    def _classify(self, message: Message) -> None:
        classifier = self.model_for(message.get(TEXT) or "")
        if classifier is None:
            return
        dense = sentence_features([message]) if classifier.uses_dense else None
        ranking = classifier.rank([message.get(TEXT) or ""], dense)[0]
        length = int(self.config["ranking_length"])
        entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
        message.set(INTENT, entries[0], add_to_output=True)
        message.set(
            INTENT_RANKING_KEY, entries[:length] if length > 0 else entries, add_to_output=True
        )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def _persist(self) -> None:
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as model_dir:
            for language, classifier in self.classifiers.items():
                sio.dump(
                    {
                        "words": classifier.words,
                        "chars": classifier.chars,
                        "sounds": classifier.sounds,
                        "model": classifier.model,
                        "uses_dense": classifier.uses_dense,
                    },
                    model_dir / model_file(language),
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
        classifiers = {}
        try:
            with model_storage.read_from(resource) as model_dir:
                for language in (ENGLISH, CHINESE):
                    path = model_dir / model_file(language)
                    if path.exists():
                        classifiers[language] = cls._load_classifier(config, path, language)
        except ValueError as error:
            logger.warning("Could not load the intent classifier (%s); untrained.", error)
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, classifiers)

    @classmethod
    def _load_classifier(cls, config: Dict[str, Any], path: Any, language: str) -> TextClassifier:
        import skops.io as sio

        untrusted = sio.get_untrusted_types(file=path)
        unexpected = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
        if unexpected:
            raise ValueError(f"unexpected types in {path}: {unexpected}")
        parts = sio.load(path, trusted=untrusted)
        classifier = cls._new_classifier(config, language)
        classifier.words, classifier.chars = parts["words"], parts["chars"]
        classifier.sounds = parts.get("sounds")
        classifier.model = parts["model"]
        classifier.model.coef_ = np.asfortranarray(classifier.model.coef_)  # see fit()
        classifier.uses_dense = bool(parts.get("uses_dense", False))
        return classifier

    @staticmethod
    def _new_classifier(config: Dict[str, Any], language: str = ENGLISH) -> TextClassifier:
        return TextClassifier(
            c=float(config["c"]),
            prepare=mask_identifiers,
            dense_weight=float(config["dense_weight"]),
            language=language,
        )


def language_of(text: Optional[str]) -> str:
    """Which model classifies `text`: Chinese text the Chinese one, anything else
    (English, an order number, "ok") the default's."""
    return CHINESE if detect_language(text or "") == CHINESE else ENGLISH


def model_file(language: str) -> str:
    # The default language's file keeps its old name, so older models still load.
    return (
        "intent_classifier.skops" if language == ENGLISH else f"intent_classifier.{language}.skops"
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
