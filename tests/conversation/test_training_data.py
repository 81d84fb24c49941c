"""The training data itself: clean for Rasa's validator, and the held-out test sets
really held out."""

import re
import subprocess

import yaml
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.training_data.loading import load_data

from helpdesk.config import PROJECT_ROOT
from ops.paths import tool


def normalised(text: str) -> str:
    """Case and punctuation folded; Chinese characters kept (without them the
    Chinese example "PayPal可以用吗" would read as the English "paypal")."""
    return re.sub(r"[^a-z0-9\u3400-\u9fff]+", " ", text.lower()).strip()


def training_texts() -> set:
    importer = TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"), str(PROJECT_ROOT / "domain.yml"), [str(PROJECT_ROOT / "data")]
    )
    return {normalised(m.get("text")) for m in importer.get_nlu_data().intent_examples}


def test_rasa_data_validate_is_clean():
    result = subprocess.run(
        [tool("rasa"), "data", "validate", "--fail-on-warnings"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_the_nlu_test_set_is_kept_apart_from_the_training_data():
    test_set = load_data(str(PROJECT_ROOT / "tests" / "nlu" / "test_set.yml"))
    overlap = {normalised(m.get("text")) for m in test_set.intent_examples} & training_texts()
    assert len(test_set.intent_examples) >= 250
    assert overlap == set()


def test_the_faq_test_questions_are_not_article_questions():
    questions = yaml.safe_load((PROJECT_ROOT / "tests" / "faq" / "questions.yml").read_text())
    asked = {normalised(q["text"]) for q in questions["answerable"]} | {
        normalised(q) for q in questions["unanswerable"]
    }
    assert asked & training_texts() == set()
