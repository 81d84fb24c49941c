"""Which kind of problem a customer describes, learned from examples.

A keyword list files "my phone won't charge any more" as a billing problem
("charge") and a description that mentions two card payments as fraud; customers
describe problems in their own words. The classifier is the same small sparse +
dense text classifier as the FAQ matcher's (helpdesk.text_classifier), trained on
each category's `examples` in company.yml and its label, in well under a second.
It only guesses: the guess is shown to the customer in the ticket's summary to
confirm, and a guess below `min_confidence` is not made at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from helpdesk import sentence_encoder
from helpdesk.language import is_chinese
from helpdesk.text_classifier import TextClassifier


@dataclass(frozen=True)
class CategoryGuess:
    key: str
    probability: float


class CategoryClassifier:
    def __init__(self, examples: Dict[str, Sequence[str]], min_confidence: float = 0.45) -> None:
        texts: List[str] = []
        labels: List[str] = []
        for key, lines in examples.items():
            texts.extend(lines)
            labels.extend([key] * len(lines))
        self.min_confidence = min_confidence
        # The examples of a Chinese overlay (knowledge_base/zh/company.yml) are read
        # with the Chinese n-grams (helpdesk/text_classifier.py).
        chinese = sum(is_chinese(text) for text in texts) * 2 > len(texts)
        self._classifier = TextClassifier(c=10.0, language="zh" if chinese else "en").fit(
            texts, labels, dense=sentence_encoder.encode(texts)
        )

    def ranked(self, text: str) -> List[Tuple[str, float]]:
        return self._classifier.rank([text], sentence_encoder.encode([text]))[0]

    def guess(self, text: str) -> Optional[CategoryGuess]:
        """The most likely category, or None when none is likely enough."""
        if not (text or "").strip():
            return None
        key, probability = self.ranked(text)[0]
        return CategoryGuess(key, probability) if probability >= self.min_confidence else None
