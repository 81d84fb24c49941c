"""The help center: the knowledge-base articles the bot links to, as web pages, in
each language the knowledge base is written in.

The default language's articles are at /help/<article>, another language's at
/<language>/help/<article> (/zh/help/shipping): the same article ids and section
anchors, so the bot's link for a Chinese answer is the English one with the
language in front.
"""

from __future__ import annotations

import re
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from markdown_it import MarkdownIt

from helpdesk.company import CompanyFacts, load_company
from helpdesk.knowledge import KnowledgeBase, fill_placeholders, language_dir, load_knowledge_base
from helpdesk.localization import Localizer
from helpdesk.replies import load_reply_catalogue
from webapp.dependencies import AppState, app_state

router = APIRouter(include_in_schema=False)
# Raw HTML in an article is shown as text, never run: articles are data.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})
_COMMENTS = re.compile(r"<!--.*?-->", re.DOTALL)
_FIRST_SECTION = re.compile(r"^## ", re.MULTILINE)
_LANGUAGE = re.compile(r"[a-z]{2,3}")


class _HelpCenter:
    """One language's articles, facts and hours, for one request."""

    def __init__(self, state: AppState, language: Optional[str]) -> None:
        kb_dir = state.settings.knowledge_base_dir
        if language is not None and (
            not _LANGUAGE.fullmatch(language)
            or not (language_dir(kb_dir, language) / "articles").is_dir()
        ):
            raise HTTPException(status_code=404, detail="There is no such help center.")
        self.language = language
        self.kb: KnowledgeBase = load_knowledge_base(kb_dir, language)
        self.facts: CompanyFacts = load_company(kb_dir, language)
        catalogue = load_reply_catalogue(kb_dir)
        self.hours = Localizer(catalogue, language or catalogue.default_language).support_hours(
            self.facts.hours, self.facts.hours.timezone_label
        )

    @property
    def prefix(self) -> str:
        return f"/{self.language}/help" if self.language else "/help"

    def render(self, markdown: str) -> str:
        return _markdown.render(fill_placeholders(markdown, self.facts, self.hours))


def _index(request: Request, state: AppState, language: Optional[str]) -> HTMLResponse:
    center = _HelpCenter(state, language)
    return state.templates.TemplateResponse(
        request,
        "help_index.html",
        {
            "facts": center.facts,
            "articles": center.kb.articles,
            "help_prefix": center.prefix,
            "page_lang": language or "en",
        },
    )


def _article(
    article_id: str, request: Request, state: AppState, language: Optional[str]
) -> HTMLResponse:
    center = _HelpCenter(state, language)
    article = center.kb.article(article_id)
    if article is None:
        raise HTTPException(status_code=404, detail="There is no such article.")
    first = _FIRST_SECTION.search(article.body)
    intro = _COMMENTS.sub("", article.body[: first.start()] if first else article.body)
    return state.templates.TemplateResponse(
        request,
        "help_article.html",
        {
            "facts": center.facts,
            "article": article,
            "intro_html": center.render(intro),
            "sections": [(t.id, t.title, center.render(t.answer)) for t in article.topics],
            "help_prefix": center.prefix,
            "page_lang": language or "en",
        },
    )


@router.get("/help", response_class=HTMLResponse)
def help_index(request: Request, state: AppState = Depends(app_state)) -> HTMLResponse:
    return _index(request, state, None)


@router.get("/help/{article_id}", response_class=HTMLResponse)
def help_article(
    article_id: str, request: Request, state: AppState = Depends(app_state)
) -> HTMLResponse:
    return _article(article_id, request, state, None)


@router.get("/{language}/help", response_class=HTMLResponse)
def help_index_in(
    language: str, request: Request, state: AppState = Depends(app_state)
) -> HTMLResponse:
    return _index(request, state, language)


@router.get("/{language}/help/{article_id}", response_class=HTMLResponse)
def help_article_in(
    language: str, article_id: str, request: Request, state: AppState = Depends(app_state)
) -> HTMLResponse:
    return _article(article_id, request, state, language)
