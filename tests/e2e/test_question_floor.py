"""The end-to-end question set through the running bot (ops/question_set.py), as
`./kefu bench questions` asks it: a floor under today's figures, so a change that
makes the bot understand customers worse fails the test command.

Issue 8 asks for 97% answered and 90% of the unanswerable handled safely, and
these are the floors. Measured 2026-12-01: 419/430 answered (97.4%) and 63/69 safe
(91.3%), about the same with support open and with the servers' clock on a Sunday
(libfaketime), when every chat becomes a ticket. The full report, per style, is
printed.

The Chinese set (tests/e2e/questions_zh/, issue 9) has floors of its own, the
issue's gate: 95% answered and 90% safe. Measured 2026-12-01: 306/318 (96.2%)
answered and 46/50 (92%) safe; 303 are needed."""

import io

import pytest

from ops.question_set import (
    QUESTIONS_DIRS,
    judge,
    judge_unanswerable,
    load_questions,
    load_unanswerable,
    report,
    run_all,
    share,
)

pytestmark = pytest.mark.stack

ANSWERED_FLOOR = 0.97
SAFE_FLOOR = 0.90
CHINESE_ANSWERED_FLOOR = 0.95
CHINESE_SAFE_FLOOR = 0.90


@pytest.fixture(scope="module")
def company_stack(trained_model, tmp_path_factory):
    """The servers on the company's own knowledge base, as `./kefu bench questions`
    runs them: the shared test stack's support never closes, which changes the
    answer to every question about opening hours."""
    from ops.scratch_stack import demo_database, scratch_config
    from ops.servers import Stack

    work = tmp_path_factory.mktemp("questions")
    db = demo_database(work / "kefu.db")
    db.dispose()
    with Stack(scratch_config(work, trained_model, db.url), echo=io.StringIO()) as running:
        yield running


def test_the_question_set_is_answered_no_worse_than_today(company_stack):
    rasa_url = company_stack.config.rasa_url
    answered = run_all(rasa_url, load_questions(), judge)
    safe = run_all(rasa_url, load_unanswerable(), judge_unanswerable)
    print("\n" + report(answered, safe, misses=0))
    assert share(answered) >= ANSWERED_FLOOR
    assert share(safe) >= SAFE_FLOOR


def test_the_chinese_question_set_is_answered_no_worse_than_today(company_stack):
    rasa_url = company_stack.config.rasa_url
    folder = QUESTIONS_DIRS["zh"]
    answered = run_all(rasa_url, load_questions(folder), judge)
    safe = run_all(rasa_url, load_unanswerable(folder), judge_unanswerable)
    print("\n" + report(answered, safe, misses=0))
    assert share(answered) >= CHINESE_ANSWERED_FLOOR
    assert share(safe) >= CHINESE_SAFE_FLOOR
