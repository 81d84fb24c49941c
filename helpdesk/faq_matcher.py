"""Which knowledge-base topic a question is about, and how sure we are.

Rasa decides that a message is an FAQ question (intent `ask_faq`); this module picks
the topic. It learns from the articles themselves (their example questions and
headings), in well under a second, so an edited article is picked up on reload
without retraining Rasa.

It is a hybrid of two views of a question. The sparse one (word and character
n-grams) is exact about the words customers share with our examples and forgiving
of typos; the dense one (helpdesk.sentence_encoder) knows that "what number do I
ring" and "what is your phone number" ask the same. Both feed the classifier, and
both measure how close the question comes to each topic's examples and answer.

Two signals guard against a confident wrong answer: the classifier's probability
for the best topic, and that similarity. An out-of-scope question ("do you sell
cars?") can win the probability contest while resembling nothing we wrote, and the
similarity catches it. Between "sure" and "no idea" lies a band where the bot offers
the closest topics instead of answering.

Some questions are about two topics at once ("do Plus members get free express?"
is about membership and shipping): no single topic is sure, but the best two share
most of the probability and both resemble the question, so both are answered. The
thresholds are company data (`FaqThresholds`, company.yml `faq`). A topic that
stands out by similarity, far closer to the question than any other, is answered
at a lower probability.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List

import numpy as np

from helpdesk import sentence_encoder
from helpdesk.company import FaqThresholds
from helpdesk.knowledge import KnowledgeBase, Topic
from helpdesk.parsing import asks_a_question, normalize_text
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


def prepare_chinese(text: str) -> str:
    """Chinese needs no synonym folding of English words; full-width forms and case
    are folded (NFKC), and runs of spaces dropped."""
    return re.sub(r"\s+", " ", normalize_text(text).lower()).strip()


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
    # the question is most like those no article answers
    not_answered: bool = False
    # the runner-up is worth answering too (the question spans two topics)
    with_runner_up: bool = False

    @property
    def answers(self) -> List[Topic]:
        """The topics to quote: none unless confident; the best, and the runner-up
        when the question spans both."""
        if not self.confident:
            return []
        return [s.topic for s in self.ranked[: 2 if self.with_runner_up else 1]]

    def sure(self, min_confidence: float, min_similarity: float) -> bool:
        """Whether the best topic clears these (stricter) thresholds."""
        return (
            not self.not_answered
            and self.best.probability >= min_confidence
            and self.best.similarity >= min_similarity
        )

    @property
    def best(self) -> TopicScore:
        return self.ranked[0]


NONE_OF_THEM = "__not_answered__"
# A clause must have this many words to be asked on its own ("and is it free?" is
# not a question about anything by itself).
_MIN_CLAUSE_WORDS = 3
_CLAUSE_BREAK = re.compile(
    r"(?<=[?.!;])\s+|\s+(?:and also|also|plus|oh and|and)\s+(?=(?:how|what|when|where|which|who|why|do|does|did|can|could|is|are|will|would|should)\b)",
    re.IGNORECASE,
)


# In Chinese: after a question mark, full stop or semicolon (either width), and
# before 还有 / 另外 / 顺便 ("and also"); a clause needs a few characters.
_CLAUSE_BREAK_ZH = re.compile(
    r"(?<=[？?。！!；;])|[，,\s]*(?:还有|另外|顺便问一下|顺便问下|顺便|再问一下)"
)
_MIN_CLAUSE_CHARS_ZH = 4
_COMMA = re.compile(r"[，,]")


def _questions_between_commas(part: str) -> List[str]:
    """ "保修几年，报修需要准备什么": Chinese often puts two questions side by side
    with only a comma between them. Cut there only when every piece asks something
    ("东西坏了，怎么退" is one question told with its reason)."""
    pieces = [p.strip() for p in _COMMA.split(part) if p.strip()]
    if len(pieces) > 1 and all(
        len(p) >= _MIN_CLAUSE_CHARS_ZH and asks_a_question(p) for p in pieces
    ):
        return pieces
    return [part]


def clauses(text: str, language: str = "en") -> List[str]:
    """The message cut where a second question may begin: after a question mark or
    full stop, and before "and how…", "also what…"."""
    if language == "zh":
        parts = [p.strip(" ，,") for p in _CLAUSE_BREAK_ZH.split(text or "") if p]
        pieces = [piece for p in parts for piece in _questions_between_commas(p)]
        return [p for p in pieces if len(p) >= _MIN_CLAUSE_CHARS_ZH]
    parts = [p.strip() for p in _CLAUSE_BREAK.split(text or "") if p and p.strip()]
    return [p for p in parts if len(p.split()) >= _MIN_CLAUSE_WORDS]


class FaqMatcher:
    """Trained once per knowledge base; `match()` embeds the question once and
    takes a few sparse and dense products."""

    def __init__(
        self,
        kb: KnowledgeBase,
        thresholds: FaqThresholds = FaqThresholds(),
        dense_weight: float = 1.0,
        language: str = "en",
    ) -> None:
        self.kb = kb
        self.language = language
        self.topics = kb.topics
        if len(self.topics) < 2:
            raise ValueError("the knowledge base needs at least two topics")
        # A clause is a second question only when it is surer than a whole message
        # must be: a long story always has some sentence that resembles something.
        self.thresholds = thresholds
        # Each topic is known by its questions and by its answer's sentences.
        per_topic = [topic.examples + topic.passages for topic in self.topics]
        texts, labels = [], []
        for topic, known_by in zip(self.topics, per_topic, strict=True):
            texts.extend(known_by)
            labels.extend([topic.id] * len(known_by))
        # "None of our topics", learnt from the questions no article answers: a
        # question like them takes its probability away from every topic.
        texts.extend(kb.not_answered)
        labels.extend([NONE_OF_THEM] * len(kb.not_answered))
        dense = sentence_encoder.encode(texts)
        # Chinese topics are also learnt from their questions with a word left in
        # pinyin ("yunfei多少"): on the held-out Chinese tuning set
        # (tests/faq/questions_zh.yml) two spellings per question take the picker
        # from 172 right, 3 wrong, 9 unsure to 175 / 2 / 7, with the same 1 of 40
        # unanswerable questions answered.
        self._classifier = TextClassifier(
            c=20.0,
            prepare=prepare_chinese if language == "zh" else prepare,
            dense_weight=dense_weight,
            language=language,
            pinyin_variants=2,
        )
        self._classifier.fit(texts, labels, dense=dense)
        answered = len(texts) - len(kb.not_answered)
        self._sparse_examples = self._classifier.vectors(texts[:answered])
        self._dense_examples = dense[:answered]
        # Examples are grouped by topic, so a topic's best similarity is a reduceat.
        self._topic_ids = [topic.id for topic in self.topics]
        self._starts = np.cumsum([0] + [len(known_by) for known_by in per_topic[:-1]])
        self._by_id = {topic.id: topic for topic in self.topics}

    def match(self, question: str, limit: int = 3) -> FaqMatch:
        return self._match_all([question], limit)[0]

    def match_each(self, text: str, limit: int = 3) -> List[FaqMatch]:
        """The whole message's match first, then each clause's that is confident
        and names a topic of its own: "how long is shipping and can I pay with
        PayPal?" asks two things."""
        parts = clauses(text, self.language)
        found = self._match_all([text] + (parts if len(parts) > 1 else []), limit)
        matches = found[:1]
        bar = self.thresholds
        for match in found[1:]:
            seen = {topic.id for m in matches for topic in m.answers}
            sure = match.sure(bar.clause_min_confidence, bar.clause_min_similarity)
            if sure and match.best.topic.id not in seen:
                matches.append(FaqMatch(ranked=match.ranked, confident=True))
        return matches

    def _match_all(self, questions: List[str], limit: int) -> List[FaqMatch]:
        dense = sentence_encoder.encode(questions)
        sparse = self._classifier.vectors(questions)
        lexical = (self._sparse_examples @ sparse.T).toarray()  # examples x questions
        semantic = self._dense_examples @ dense.T
        closeness = (
            np.maximum.reduceat(lexical, self._starts, axis=0)
            + np.maximum.reduceat(semantic, self._starts, axis=0)
        ) / 2  # topics x questions, in self.topics order
        row = {topic_id: i for i, topic_id in enumerate(self._topic_ids)}
        matches = []
        for column, ranking in enumerate(self._classifier.rank(questions, dense)):
            none_first = ranking[0][0] == NONE_OF_THEM
            ranked = [
                TopicScore(
                    topic=self._by_id[topic_id],
                    probability=probability,
                    similarity=float(closeness[row[topic_id], column]),
                )
                for topic_id, probability in ranking
                if topic_id != NONE_OF_THEM
            ][: max(limit, 1)]
            matches.append(decide(ranked, none_first, self.thresholds))
        return matches


def stands_out(ranked: List[TopicScore], bar: FaqThresholds) -> bool:
    """Whether the best topic is far closer to the question than the other ranked
    ones, though not likely enough by probability alone."""
    best, others = ranked[0], ranked[1:]
    nearest_other = max((s.similarity for s in others), default=0.0)
    return (
        best.probability >= bar.standout_min_confidence
        and best.similarity >= bar.standout_min_similarity
        and best.similarity - nearest_other >= bar.standout_min_margin
    )


def decide(ranked: List[TopicScore], none_first: bool, bar: FaqThresholds) -> FaqMatch:
    """Sure of the best topic (and maybe the runner-up beside it), of the best two
    together, or of neither: `ranked` is best first, `none_first` says the question
    is most like those no article answers."""
    best = ranked[0]
    second = ranked[1] if len(ranked) > 1 else None
    runner_up = (
        second is not None
        and second.similarity >= bar.pair_min_similarity
        and second.probability >= bar.second_min_confidence
    )
    if none_first or best.similarity < bar.min_similarity:
        return FaqMatch(ranked=ranked, confident=False, not_answered=none_first)
    if best.probability >= bar.min_confidence:
        return FaqMatch(ranked=ranked, confident=True, with_runner_up=runner_up)
    if stands_out(ranked, bar):
        return FaqMatch(ranked=ranked, confident=True)
    pair = (
        runner_up
        and best.probability >= bar.pair_min_confidence
        and best.probability + second.probability >= bar.pair_min_total
    )
    return FaqMatch(ranked=ranked, confident=pair, with_runner_up=pair)
