"""Which knowledge-base topic a question is about, and how sure we are.

Rasa decides that a message is an FAQ question (intent `ask_faq`); this module picks
the topic. It learns from the example questions in the articles themselves, in
milliseconds, so an edited article is picked up on reload without retraining Rasa.

Two signals guard against a confident wrong answer: the classifier's probability
for the best topic, and how close the question is to that topic's own examples. An
out-of-scope question ("do you sell cars?") can win the probability contest while
resembling nothing we wrote, and the similarity catches it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List

import numpy as np

from helpdesk.knowledge import KnowledgeBase, Topic
from helpdesk.parsing import normalize_text
from helpdesk.text_classifier import TextClassifier

# Words customers use for the same thing; folded before matching so that a few
# examples per topic cover many phrasings.
_SYNONYMS = {
    r"\b(delivery|deliveries|delivering|deliver|postage|post)\b": "shipping",
    r"\b(ship|shipped|ships|shipment)\b": "shipping",
    r"\b(parcel|package|packet)\b": "order",
    r"\b(refunded|refunds)\b": "refund",
    r"\b(returning|returned|returns)\b": "return",
    r"\b(guarantee|guaranty)\b": "warranty",
    r"\b(pwd|passcode|passwd|pass word)\b": "password",
    r"\b(e-mail|mail address)\b": "email",
    r"\b(cost|costs|price|prices|fee|fees|charge|charges)\b": "cost",
    r"\b(membership|member|members|subscription)\b": "membership",
    r"\b(u)\b": "you",
    r"\b(ur)\b": "your",
    r"\b(pls|plz)\b": "please",
    r"\b(hrs)\b": "hours",
    r"\b(can't|cannot|cant)\b": "can not",
    r"\b(won't|wont)\b": "will not",
    r"\b(don't|dont)\b": "do not",
}
_COMPILED = [(re.compile(pattern), word) for pattern, word in _SYNONYMS.items()]


def prepare(text: str) -> str:
    clean = normalize_text(text).lower()
    for pattern, word in _COMPILED:
        clean = pattern.sub(word, clean)
    return re.sub(r"\s+", " ", clean).strip()


@dataclass(frozen=True)
class TopicScore:
    topic: Topic
    probability: float
    similarity: float


@dataclass(frozen=True)
class FaqMatch:
    ranked: List[TopicScore]
    confident: bool

    @property
    def best(self) -> TopicScore:
        return self.ranked[0]


class FaqMatcher:
    """Trained once per knowledge base; `match()` is a few sparse products."""

    def __init__(
        self,
        kb: KnowledgeBase,
        min_confidence: float = 0.45,
        min_similarity: float = 0.2,
    ) -> None:
        self.kb = kb
        self.topics = kb.topics
        if len(self.topics) < 2:
            raise ValueError("the knowledge base needs at least two topics")
        self.min_confidence = min_confidence
        self.min_similarity = min_similarity
        texts, labels = [], []
        for topic in self.topics:
            texts.extend(topic.examples)
            labels.extend([topic.id] * len(topic.examples))
        self._classifier = TextClassifier(c=20.0, prepare=prepare).fit(texts, labels)
        self._examples = self._classifier.vectors(texts)
        self._example_labels = np.array(labels)
        self._by_id = {topic.id: topic for topic in self.topics}

    def match(self, question: str, limit: int = 3) -> FaqMatch:
        vector = self._classifier.vectors([question])
        similarities = (self._examples @ vector.T).toarray().ravel()
        ranked = []
        for topic_id, probability in self._classifier.rank([question])[0][: max(limit, 1)]:
            mask = self._example_labels == topic_id
            ranked.append(
                TopicScore(
                    topic=self._by_id[topic_id],
                    probability=probability,
                    similarity=float(similarities[mask].max()),
                )
            )
        best = ranked[0]
        confident = (
            best.probability >= self.min_confidence and best.similarity >= self.min_similarity
        )
        return FaqMatch(ranked=ranked, confident=confident)
