"""A small, fast text classifier shared by the intent classifier (inside Rasa) and
the FAQ topic matcher: TF-IDF over word 1-2-grams and character 2-5-grams within
words, optionally beside a dense sentence embedding, and a logistic regression.

On Kefu's data it trains in a couple of seconds and beats Rasa's own
LogisticRegressionClassifier (raw counts, C=1) by several points of accuracy on
the held-out test set: TF-IDF damps words that are everywhere, sublinear counts
keep long messages from dominating, and character n-grams absorb typos. The dense
embedding (helpdesk.sentence_encoder) adds what the words alone miss: two phrasings
of one question that share no word. Both parts are unit length; `dense_weight`
sets how much the embedding counts beside the n-grams.
"""

from __future__ import annotations

from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from helpdesk.chinese_text import sound_of, typed_in_pinyin

Ranking = List[Tuple[str, float]]


class TextClassifier:
    def __init__(
        self,
        c: float = 10.0,
        prepare: Optional[Callable[[str], str]] = None,
        dense_weight: float = 1.0,
        language: str = "en",
        pinyin_variants: int = 0,
    ) -> None:
        self.prepare = prepare or (lambda text: text.lower())
        self.dense_weight = dense_weight
        # Whether the model was fitted with dense features, and so needs them.
        self.uses_dense = False
        # Two vectorizers side by side (not a FeatureUnion, whose joblib dispatch
        # costs more than the transform itself for the one message Rasa classifies).
        if language == "zh":
            # Chinese has no spaces between words: single characters and pairs stand
            # in for words (most Chinese words are one or two characters), and the
            # runs of up to four for phrases.
            self.words = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True)
            self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True)
            # And how the text sounds: customers type a word in pinyin ("mima",
            # "yunfei") or pick a character that sounds the same (退宽 for 退款,
            # 电化 for 电话); spelt as pinyin without spaces, all of them read alike.
            self.sounds: Optional[TfidfVectorizer] = TfidfVectorizer(
                analyzer="char", ngram_range=(2, 4), sublinear_tf=True
            )
            # Each example may also be learnt with one of its words left in pinyin,
            # the way a customer types it when the input method gets in the way.
            self.pinyin_variants = pinyin_variants
        else:
            self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
            self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
            self.sounds = None
            self.pinyin_variants = 0
        self.model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")

    def fit(
        self, texts: Sequence[str], labels: Sequence[str], dense: Optional[np.ndarray] = None
    ) -> TextClassifier:
        if len(set(labels)) < 2:
            raise ValueError("a classifier needs examples of at least two labels")
        self.uses_dense = dense is not None
        texts, labels, dense = self.as_typed(texts, labels, dense)
        self.model.fit(self.features(texts, dense, fit=True), list(labels))
        # lbfgs leaves coef_ a strided view; scipy would copy the whole weight matrix
        # on every prediction (4 ms a message with dense features, 0.1 ms without).
        self.model.coef_ = np.asfortranarray(self.model.coef_)
        return self

    def as_typed(
        self, texts: Sequence[str], labels: Sequence[str], dense: Optional[np.ndarray] = None
    ) -> Tuple[List[str], List[str], Optional[np.ndarray]]:
        """The examples and, for Chinese, their spellings with a word in pinyin,
        each with its example's label and embedding (the meaning is the same)."""
        texts, labels = list(texts), list(labels)
        if not self.pinyin_variants:
            return texts, labels, dense
        extra_texts, extra_labels, rows = [], [], []
        for row, (text, label) in enumerate(zip(texts, labels, strict=True)):
            for variant in typed_in_pinyin(text, self.pinyin_variants):
                extra_texts.append(variant)
                extra_labels.append(label)
                rows.append(row)
        if dense is not None and rows:
            dense = np.vstack([np.asarray(dense), np.asarray(dense)[rows]])
        return texts + extra_texts, labels + extra_labels, dense

    def features(
        self, texts: Sequence[str], dense: Optional[np.ndarray] = None, fit: bool = False
    ) -> csr_matrix:
        """What the logistic regression sees: the sparse vectors, and the dense
        embeddings beside them when the model was fitted with them."""
        sparse = self.vectors(texts, fit=fit)
        if not self.uses_dense:
            return sparse
        if dense is None:  # no embedding (an empty message): the n-grams alone decide
            dense = np.zeros((len(texts), self.dense_width), dtype=np.float32)
        if len(dense) != len(texts):
            raise ValueError("one dense vector per text is needed")
        return csr_matrix(hstack([sparse, csr_matrix(np.asarray(dense) * self.dense_weight)]))

    def vectors(self, texts: Sequence[str], fit: bool = False) -> csr_matrix:
        """Unit-length feature vectors, so a dot product is a cosine similarity."""
        prepared = [self.prepare(text or "") for text in texts]
        inputs = [(self.words, prepared), (self.chars, prepared)]
        if self.sounds is not None:  # (not the vectorizer's preprocessor: it is persisted)
            inputs.append((self.sounds, [sound_of(text) for text in prepared]))
        if fit:
            parts = [vectorizer.fit_transform(data) for vectorizer, data in inputs]
        else:
            parts = [vectorizer.transform(data) for vectorizer, data in inputs]
        return normalize(csr_matrix(hstack(parts)))

    @property
    def dense_width(self) -> int:
        """How many dense features the fitted model expects."""
        sparse = len(self.words.vocabulary_) + len(self.chars.vocabulary_)
        if self.sounds is not None:
            sparse += len(self.sounds.vocabulary_)
        return int(self.model.n_features_in_) - sparse

    @property
    def labels(self) -> List[str]:
        return [str(label) for label in self.model.classes_]

    def probabilities(self, texts: Sequence[str], dense: Optional[np.ndarray] = None) -> np.ndarray:
        return self.model.predict_proba(self.features(texts, dense))

    def rank(self, texts: Sequence[str], dense: Optional[np.ndarray] = None) -> List[Ranking]:
        """For each text, every label with its probability, most likely first."""
        rankings = []
        labels = self.labels
        for row in self.probabilities(texts, dense):
            order = np.argsort(-row)
            rankings.append([(labels[i], float(row[i])) for i in order])
        return rankings
