"""Reading the knowledge base: the questions no article answers are optional, and a
broken file is named in a clear error rather than silently ignored."""

import shutil

import pytest

from helpdesk.config import PROJECT_ROOT
from helpdesk.knowledge import KnowledgeBaseError, load_knowledge_base


def copy_of_the_knowledge_base(tmp_path):
    target = tmp_path / "kb"
    shutil.copytree(PROJECT_ROOT / "knowledge_base", target)
    return target


def test_without_a_list_of_unanswered_questions_the_articles_still_load(tmp_path):
    kb_dir = copy_of_the_knowledge_base(tmp_path)
    (kb_dir / "not_answered.yml").unlink()
    kb = load_knowledge_base(kb_dir)
    assert kb.topics and kb.not_answered == ()


@pytest.mark.parametrize("content", ["questions: [unclosed", "questions: just one string"])
def test_a_broken_list_of_unanswered_questions_is_named_in_the_error(tmp_path, content):
    kb_dir = copy_of_the_knowledge_base(tmp_path)
    (kb_dir / "not_answered.yml").write_text(content)
    with pytest.raises(KnowledgeBaseError, match="not_answered.yml"):
        load_knowledge_base(kb_dir)


def test_a_topic_is_also_known_by_its_answer_sentences_without_markup_or_placeholders():
    from helpdesk.knowledge import parse_article

    article = parse_article(
        "a",
        "---\ntitle: A\n---\n## Is delivery free?\n<!--\nid: free\n-->\n"
        "Yes! Orders over **{{free_shipping_threshold}}** ship free; see "
        "[shipping options](/help/shipping#options) for the rest.\n",
    )
    (topic,) = article.topics
    assert topic.passages == ("Orders over ship free; see shipping options for the rest.",)


def test_every_article_has_a_chinese_version_with_the_same_topics_and_placeholders():
    from helpdesk.knowledge import _PLACEHOLDER
    from ops.paths import ROOT

    english = load_knowledge_base(ROOT / "knowledge_base")
    chinese = load_knowledge_base(ROOT / "knowledge_base", "zh")
    assert [a.id for a in chinese.articles] == [a.id for a in english.articles]
    assert [t.id for t in chinese.topics] == [t.id for t in english.topics]
    for mine, theirs in zip(english.topics, chinese.topics, strict=True):
        assert set(_PLACEHOLDER.findall(mine.answer)) == set(_PLACEHOLDER.findall(theirs.answer))
        assert len(theirs.questions) >= 20, theirs.id
        assert theirs.passages, f"{theirs.id}: a Chinese answer's sentences are passages too"
