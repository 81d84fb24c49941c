"""Feeds the knowledge base's example questions to Rasa as `ask_faq` examples, and
the questions it does not answer (not_answered.yml) as `out_of_scope` examples, in
every language the knowledge base is written in (knowledge_base/ and each
knowledge_base/<language>/ with articles of its own). It also gives
RegexEntityExtractor the `order_id` pattern, built from the company's order-number
format (company.yml `order_numbers`), so the pattern and the parsers never disagree.

Named in config.yml under `importers`. Rasa only warns when an importer cannot be
loaded, so tests/kefu_rasa/test_kb_importer.py checks that these examples really
reach the training data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, List, Optional, Union

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from helpdesk.config import Settings
from helpdesk.knowledge import KnowledgeBase, load_knowledge_base
from helpdesk.order_numbers import order_number_format

FAQ_INTENT = "ask_faq"
OUT_OF_SCOPE_INTENT = "out_of_scope"
ORDER_ENTITY = "order_id"


class KnowledgeBaseImporter(TrainingDataImporter):
    """Contributes NLU examples and the order_id pattern only; domain, stories and
    config come from files."""

    def __init__(
        self,
        config_file: Optional[str] = None,
        domain_path: Optional[str] = None,
        training_data_paths: Optional[Union[List[str], str]] = None,
        knowledge_base: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        self.kb_dir = (
            Path(knowledge_base) if knowledge_base else Settings.from_env().knowledge_base_dir
        )

    def knowledge_bases(self) -> List[KnowledgeBase]:
        """The default language's knowledge base, then every other language's."""
        others = sorted(p.parent.name for p in self.kb_dir.glob("*/articles") if p.is_dir())
        return [load_knowledge_base(self.kb_dir)] + [
            load_knowledge_base(self.kb_dir, language) for language in others
        ]

    def get_nlu_data(self, language: Optional[str] = "en") -> TrainingData:
        kbs = self.knowledge_bases()
        answered = {
            " ".join(text.split()): None
            for kb in kbs
            for topic in kb.topics
            for text in topic.examples
        }
        unanswered = {" ".join(text.split()): None for kb in kbs for text in kb.not_answered}
        return TrainingData(
            training_examples=[
                Message.build(text=text, intent=FAQ_INTENT) for text in answered if text
            ]
            + [
                Message.build(text=text, intent=OUT_OF_SCOPE_INTENT)
                for text in unanswered
                if text and text not in answered
            ],
            regex_features=[
                {"name": ORDER_ENTITY, "pattern": order_number_format(self.kb_dir).rasa_regex()}
            ],
        )

    def get_domain(self) -> Domain:
        return Domain.empty()

    def get_stories(self, exclusion_percentage: Optional[int] = None) -> StoryGraph:
        return StoryGraph([])

    def get_conversation_tests(self) -> StoryGraph:
        return StoryGraph([])

    def get_config(self) -> dict:
        return {}

    def get_config_file_for_auto_config(self) -> Optional[str]:
        return None
