"""Rasa's own tests against the trained model: the end-to-end test stories with
--fail-on-prediction-errors, and intent accuracy on the held-out NLU test set."""

import json
import os
import subprocess
import tempfile

import pytest

from helpdesk.config import PROJECT_ROOT
from ops.paths import tool

MIN_INTENT_ACCURACY = 0.95


def rasa(*args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as scratch:
        # `rasa test` reads endpoints.yml: give its tracker store a file of its own
        # instead of one literally named after the unset variable.
        env = {
            **os.environ,
            "KEFU_TRACKER_DB": os.path.join(scratch, "tracker.db"),
            "KEFU_ACTION_ENDPOINT": "http://127.0.0.1:9/webhook",
            "KEFU_ACTION_TOKEN": "not-used-by-rasa-test",
        }
        return subprocess.run(
            [tool("rasa"), *args], cwd=PROJECT_ROOT, capture_output=True, text=True, env=env
        )


def test_every_test_story_is_predicted_exactly(trained_model, tmp_path):
    result = rasa(
        "test",
        "core",
        "--stories",
        "tests/stories",
        "--model",
        str(trained_model),
        "--fail-on-prediction-errors",
        "--out",
        str(tmp_path),
    )
    failed = (
        (tmp_path / "failed_test_stories.yml").read_text()
        if (tmp_path / "failed_test_stories.yml").exists()
        else ""
    )
    assert result.returncode == 0, failed[-5000:] or result.stderr[-3000:]
    report = json.loads((tmp_path / "story_report.json").read_text())
    print(f"\nstories: {report['conversation_accuracy']}")


@pytest.fixture(scope="module")
def nlu_report(trained_model, tmp_path_factory):
    out = tmp_path_factory.mktemp("nlu")
    result = rasa(
        "test",
        "nlu",
        "--nlu",
        "tests/nlu/test_set.yml",
        "--model",
        str(trained_model),
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((out / "intent_report.json").read_text()), json.loads(
        (out / "intent_errors.json").read_text()
    )


def test_intent_accuracy_on_the_held_out_test_set_is_at_least_95_percent(nlu_report):
    report, errors = nlu_report
    accuracy = report["accuracy"]
    mistakes = "\n".join(
        f"  {e['intent']} -> {e['intent_prediction']['name']}: {e['text']}" for e in errors
    )
    print(
        f"\nintent accuracy on {report['weighted avg']['support']} held-out messages: {accuracy:.3f}\n{mistakes}"
    )
    assert accuracy >= MIN_INTENT_ACCURACY, mistakes
