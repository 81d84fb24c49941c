"""The end-to-end question set itself (tests/e2e/questions/): large enough, every
expectation a working pattern, every style represented, and kept apart from the
training data. (`./kefu bench questions` asks it of the running bot.)"""

import re

from ops.question_set import load_questions, load_unanswerable
from tests.conversation.test_training_data import normalised, training_texts

STYLES = {
    "typos",
    "one_word",
    "rambling",
    "story",
    "indirect",
    "two_questions",
    "non_native",
    "formal",
    "plain",
}


def test_the_set_has_400_questions_and_60_the_knowledge_base_cannot_answer():
    assert len(load_questions()) >= 400
    assert len(load_unanswerable()) >= 60


def test_every_expectation_is_a_pattern_that_compiles_and_every_style_is_known():
    for question in load_questions():
        assert question.expect and question.style in STYLES, question
        for pattern in question.expect:
            re.compile(pattern)
    assert {u.style for u in load_unanswerable()} <= STYLES


def test_every_style_of_the_brief_is_asked_at_least_twenty_times():
    styles = [q.style for q in load_questions()]
    assert all(styles.count(style) >= 20 for style in STYLES), {s: styles.count(s) for s in STYLES}


def test_no_question_is_a_training_example():
    asked = {normalised(q.text) for q in load_questions()} | {
        normalised(u.text) for u in load_unanswerable()
    }
    assert asked & training_texts() == set()
