"""The Chinese end-to-end question set itself (tests/e2e/questions_zh/): large
enough, every expectation a working pattern, every style of its brief represented,
and kept apart from the training data. (`./kefu bench questions --language zh`
asks it of the running bot.)"""

import re
import unicodedata

from rasa.shared.importers.importer import TrainingDataImporter

from helpdesk.config import PROJECT_ROOT
from ops.question_set import QUESTIONS_DIRS, load_questions, load_unanswerable

FOLDER = QUESTIONS_DIRS["zh"]
STYLES = {
    "kouyu",
    "typos",
    "mixed_english",
    "fullwidth",
    "one_word",
    "rambling",
    "story",
    "indirect",
    "two_questions",
    "formal",
    "plain",
}


def normalised(text: str) -> str:
    """Case, width and punctuation folded; Chinese characters kept."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text or "").lower())


def test_the_set_has_300_questions_and_40_the_knowledge_base_cannot_answer():
    assert len(load_questions(FOLDER)) >= 300
    assert len(load_unanswerable(FOLDER)) >= 40


def test_every_expectation_compiles_and_every_style_is_asked_twenty_times():
    questions = load_questions(FOLDER)
    for question in questions:
        assert question.expect and question.style in STYLES, question
        for pattern in question.expect:
            re.compile(pattern)
    styles = [q.style for q in questions]
    assert all(styles.count(style) >= 20 for style in STYLES), {s: styles.count(s) for s in STYLES}
    assert {u.style for u in load_unanswerable(FOLDER)} <= STYLES


def test_no_chinese_question_is_a_training_example():
    importer = TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"),
        str(PROJECT_ROOT / "domain.yml"),
        [str(PROJECT_ROOT / "data")],
    )
    trained = {normalised(m.get("text")) for m in importer.get_nlu_data().intent_examples}
    asked = {normalised(q.text) for q in load_questions(FOLDER)} | {
        normalised(u.text) for u in load_unanswerable(FOLDER)
    }
    assert asked & trained == set()
