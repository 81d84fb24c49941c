"""The knowledge base: Markdown articles the admin edits, read into topics.

An article is an ordinary Markdown file in `knowledge_base/articles/`. Its front
matter names it; each `## ` section answers one question and is one topic. An HTML
comment at the top of a section (invisible on the help-center page) gives the topic
an id and lists ways customers ask it:

    ## How much does shipping cost?
    <!--
    id: shipping-cost
    questions:
      - is delivery free
      - what do you charge for postage
    -->
    Standard shipping is free on orders over $50 ...

The bot answers with the section's text and links to the whole article, so the answer
lives in one place only: edit the article and the bot's answer changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from helpdesk.company import CompanyFacts

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_SECTION = re.compile(r"^## +(.+?)\s*$", re.MULTILINE)
_META_COMMENT = re.compile(r"\A\s*<!--(.*?)-->\s*", re.DOTALL)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"[*_`#>|]+")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|(?<=[。！？；])|\n+")
# "Yes!" or "See below." says nothing about the topic; nor does "是的！".
_MIN_PASSAGE_WORDS = 4
_MIN_PASSAGE_HAN = 8
_HAN = re.compile(r"[\u3400-\u9fff]")


class KnowledgeBaseError(ValueError):
    """An article cannot be read; the message names the file and the problem."""


@dataclass(frozen=True)
class Topic:
    id: str
    article_id: str
    title: str  # the section heading, a question
    answer: str  # Markdown
    questions: Tuple[str, ...]

    @property
    def examples(self) -> Tuple[str, ...]:
        """Everything that says what this topic is about: heading and questions."""
        return (self.title, *self.questions)

    @property
    def passages(self) -> Tuple[str, ...]:
        """The answer's own sentences, for matching a question by what the section
        says as well as by the questions written for it: "what state does it need
        to be in to go back?" shares nothing with the questions of the return
        window, but its answer says "unused and in the original packaging".
        Placeholders are left out (their values are company facts, not words)."""
        plain = _MARKUP.sub(" ", _LINK.sub(r"\1", _PLACEHOLDER.sub(" ", self.answer)))
        sentences = (" ".join(s.split()) for s in _SENTENCE_BREAK.split(plain))
        return tuple(
            s
            for s in sentences
            if len(s.split()) >= _MIN_PASSAGE_WORDS or len(_HAN.findall(s)) >= _MIN_PASSAGE_HAN
        )


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    summary: str
    body: str  # the Markdown after the front matter
    topics: Tuple[Topic, ...]


@dataclass(frozen=True)
class KnowledgeBase:
    articles: Tuple[Article, ...]
    # questions no article answers (knowledge_base/not_answered.yml)
    not_answered: Tuple[str, ...] = ()

    @property
    def topics(self) -> List[Topic]:
        return [topic for article in self.articles for topic in article.topics]

    def topic(self, topic_id: str) -> Optional[Topic]:
        return next((t for t in self.topics if t.id == topic_id), None)

    def article(self, article_id: str) -> Optional[Article]:
        return next((a for a in self.articles if a.id == article_id), None)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def language_dir(kb_dir: Path, language: Optional[str] = None) -> Path:
    """Where a language's articles live: the default language's in `kb_dir`, every
    other in `kb_dir/<language>` (the same file names and topic ids)."""
    return Path(kb_dir) / language if language and language != DEFAULT_LANGUAGE else Path(kb_dir)


DEFAULT_LANGUAGE = "en"


def load_knowledge_base(kb_dir: Path, language: Optional[str] = None) -> KnowledgeBase:
    """Reads every article of `language` (the default language's under
    `kb_dir/articles`, another's under `kb_dir/<language>/articles`), sorted by
    file name."""
    kb_dir = language_dir(kb_dir, language)
    articles_dir = Path(kb_dir) / "articles"
    articles = tuple(
        parse_article(path.stem, path.read_text(encoding="utf-8"), source=str(path))
        for path in sorted(articles_dir.glob("*.md"))
    )
    seen: Dict[str, str] = {}
    for article in articles:
        for topic in article.topics:
            if topic.id in seen:
                raise KnowledgeBaseError(
                    f"topic id {topic.id!r} is used in both {seen[topic.id]} and {article.id}"
                )
            seen[topic.id] = article.id
    return KnowledgeBase(articles, load_not_answered(Path(kb_dir) / NOT_ANSWERED_FILE))


NOT_ANSWERED_FILE = "not_answered.yml"


def load_not_answered(path: Path) -> Tuple[str, ...]:
    """The questions no article answers; none when the file does not exist."""
    if not path.exists():
        return ()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise KnowledgeBaseError(f"{path}: not valid YAML ({error})") from error
    questions = raw.get("questions") if isinstance(raw, dict) else None
    if not isinstance(questions, list):
        raise KnowledgeBaseError(f"{path}: expected a list under 'questions'")
    return tuple(str(q).strip() for q in questions if str(q or "").strip())


def parse_article(article_id: str, text: str, source: str = "<article>") -> Article:
    match = _FRONT_MATTER.match(text)
    if not match:
        raise KnowledgeBaseError(f"{source}: the article must start with '---' front matter")
    meta = yaml.safe_load(match.group(1)) or {}
    if not meta.get("title"):
        raise KnowledgeBaseError(f"{source}: the front matter needs a title")
    body = text[match.end() :]
    return Article(
        id=article_id,
        title=str(meta["title"]),
        summary=str(meta.get("summary", "")),
        body=body,
        topics=tuple(_parse_topics(article_id, body, source)),
    )


def _parse_topics(article_id: str, body: str, source: str) -> List[Topic]:
    headings = list(_SECTION.finditer(body))
    topics = []
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(body)
        section = body[heading.end() : end]
        meta: dict = {}
        comment = _META_COMMENT.match(section)
        if comment:
            try:
                meta = yaml.safe_load(comment.group(1)) or {}
            except yaml.YAMLError as error:
                raise KnowledgeBaseError(
                    f"{source}: section {heading.group(1)!r}: {error}"
                ) from error
            section = section[comment.end() :]
        answer = section.strip()
        if not answer:
            raise KnowledgeBaseError(f"{source}: section {heading.group(1)!r} has no answer")
        title = heading.group(1).strip()
        topics.append(
            Topic(
                id=str(meta.get("id") or slugify(title)),
                article_id=article_id,
                title=title,
                answer=answer,
                questions=tuple(
                    str(q).strip() for q in meta.get("questions") or () if str(q).strip()
                ),
            )
        )
    return topics


_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def placeholder_values(facts: CompanyFacts, support_hours: Optional[str] = None) -> Dict[str, str]:
    """Company facts an article may quote as {{name}}, so that phone numbers and
    hours are written once, in company.yml. `support_hours` is the hours as the
    reader's language writes them (helpdesk/localization.py)."""
    return {
        "company_name": facts.name,
        "website": facts.website,
        "support_email": facts.support_email,
        "support_phone": facts.support_phone,
        "premier_phone": facts.premier_phone,
        "support_hours": support_hours or facts.support_hours_text,
    }


def fill_placeholders(text: str, facts: CompanyFacts, support_hours: Optional[str] = None) -> str:
    """Replaces {{name}} with the company's value; unknown names stay visible so a
    typo in an article shows up instead of silently disappearing."""
    values = placeholder_values(facts, support_hours)
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
