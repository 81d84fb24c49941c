"""Rasa only warns when an importer named in config.yml cannot be loaded; these
tests make sure the knowledge-base questions really reach the training data."""

from rasa.nlu.utils.pattern_utils import extract_patterns
from rasa.shared.importers.importer import TrainingDataImporter

from helpdesk.config import PROJECT_ROOT
from helpdesk.knowledge import load_knowledge_base
from helpdesk.order_numbers import order_number_format
from kefu_rasa.kb_importer import KnowledgeBaseImporter


def test_every_article_question_trains_the_faq_intent():
    kb = load_knowledge_base(PROJECT_ROOT / "knowledge_base")
    data = KnowledgeBaseImporter(knowledge_base=str(PROJECT_ROOT / "knowledge_base")).get_nlu_data()
    texts = {m.get("text") for m in data.training_examples if m.get("intent") == "ask_faq"}
    assert {m.get("intent") for m in data.training_examples} == {"ask_faq", "out_of_scope"}
    for topic in kb.topics:
        assert " ".join(topic.title.split()) in texts
        assert all(" ".join(q.split()) in texts for q in topic.questions)


def test_every_question_no_article_answers_trains_out_of_scope():
    kb = load_knowledge_base(PROJECT_ROOT / "knowledge_base")
    data = KnowledgeBaseImporter(knowledge_base=str(PROJECT_ROOT / "knowledge_base")).get_nlu_data()
    texts = {m.get("text") for m in data.training_examples if m.get("intent") == "out_of_scope"}
    assert len(kb.not_answered) >= 100
    assert all(" ".join(q.split()) in texts for q in kb.not_answered)


def test_the_project_config_loads_the_importer_beside_the_data_files():
    importer = TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"),
        str(PROJECT_ROOT / "domain.yml"),
        [str(PROJECT_ROOT / "data")],
    )
    data = importer.get_nlu_data()
    faq = [m for m in data.training_examples if m.get("intent") == "ask_faq"]
    kb_questions = KnowledgeBaseImporter(
        knowledge_base=str(PROJECT_ROOT / "knowledge_base")
    ).get_nlu_data()
    assert len(faq) >= len(
        [m for m in kb_questions.training_examples if m.get("intent") == "ask_faq"]
    )
    # Hand-written examples of the other intents are there too.
    assert any(m.get("intent") == "check_order_status" for m in data.training_examples)


def test_the_order_number_pattern_built_from_company_yml_reaches_the_entity_extractor():
    importer = TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"),
        str(PROJECT_ROOT / "domain.yml"),
        [str(PROJECT_ROOT / "data")],
    )
    # What RegexEntityExtractor keeps: regexes named like an annotated entity.
    patterns = extract_patterns(
        importer.get_nlu_data(), use_lookup_tables=False, use_only_entities=True
    )
    order_patterns = [p["pattern"] for p in patterns if p["name"] == "order_id"]
    assert order_patterns == [order_number_format(PROJECT_ROOT / "knowledge_base").rasa_regex()]
    assert {"email", "ticket_id"} <= {p["name"] for p in patterns}
