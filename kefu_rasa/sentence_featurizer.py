"""A Rasa featurizer that adds a dense sentence embedding to every message.

The embedding comes from `helpdesk.sentence_encoder` (Universal Sentence Encoder,
multilingual, weights installed with its package). It carries what a message means
when the customer's words are not the ones in our examples ("what number do I ring"
vs "what is your phone number"); `KefuIntentClassifier` uses it beside its own
sparse word and character n-grams. The component has nothing to train, so Rasa's
fingerprinting caches its output and a retrain after a data change re-embeds only
what is new to the cache.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from helpdesk import sentence_encoder


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class KefuSentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Sentence features only: Kefu's classifiers need no per-token vectors."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {**DenseFeaturizer.get_default_config()}

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        return None

    def __init__(self, config: Dict[str, Any], name: str) -> None:
        super().__init__(name, config)

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> KefuSentenceFeaturizer:
        featurizer = cls(config, execution_context.node_name)
        # Load the encoder now, while the server starts, not on a customer's message.
        sentence_encoder.encode(["hello"])
        return featurizer

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize([m for m in messages if m.get(TEXT)])
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize([m for m in training_data.training_examples if m.get(TEXT)])
        return training_data

    def _featurize(self, messages: List[Message]) -> None:
        if not messages:
            return
        vectors = sentence_encoder.encode([m.get(TEXT) for m in messages])
        for message, vector in zip(messages, vectors, strict=True):
            self.add_features_to_message(
                sequence=None, sentence=vector.reshape(1, -1), attribute=TEXT, message=message
            )
