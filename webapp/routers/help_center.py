"""The help center: the knowledge-base articles the bot links to, as web pages."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from markdown_it import MarkdownIt

from helpdesk.knowledge import fill_placeholders, load_knowledge_base
from webapp.dependencies import AppState, app_state

router = APIRouter(include_in_schema=False)
# Raw HTML in an article is shown as text, never run: articles are data.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})
_COMMENTS = re.compile(r"<!--.*?-->", re.DOTALL)
_FIRST_SECTION = re.compile(r"^## ", re.MULTILINE)


def render(markdown: str, state: AppState) -> str:
    return _markdown.render(fill_placeholders(markdown, state.facts))


@router.get("/help", response_class=HTMLResponse)
def help_index(request: Request, state: AppState = Depends(app_state)) -> HTMLResponse:
    kb = load_knowledge_base(state.settings.knowledge_base_dir)
    return state.templates.TemplateResponse(
        request, "help_index.html", {"facts": state.facts, "articles": kb.articles}
    )


@router.get("/help/{article_id}", response_class=HTMLResponse)
def help_article(
    article_id: str, request: Request, state: AppState = Depends(app_state)
) -> HTMLResponse:
    kb = load_knowledge_base(state.settings.knowledge_base_dir)
    article = kb.article(article_id)
    if article is None:
        raise HTTPException(status_code=404, detail="There is no such article.")
    first = _FIRST_SECTION.search(article.body)
    intro = _COMMENTS.sub("", article.body[: first.start()] if first else article.body)
    return state.templates.TemplateResponse(
        request,
        "help_article.html",
        {
            "facts": state.facts,
            "article": article,
            "intro_html": render(intro, state),
            "sections": [(t.id, t.title, render(t.answer, state)) for t in article.topics],
        },
    )
