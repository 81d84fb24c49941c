"""The web app's own interface texts, in the visitor's or the agent's language, from
the reply catalogue (helpdesk/replies.py).

The chat widget and the agent console are plain scripts: they fetch their texts as
JSON (`GET /i18n/widget/zh.json`, `GET /i18n/console/en.json`), built from the
catalogue areas `widget` and `console`, so a company rewords its widget or adds a
language by editing `knowledge_base/`, never JavaScript. The templates get the same
texts through the Jinja global `ui_texts(area, language)` (the shop's chrome, the
console's first paint before its script runs).

A language the catalogue does not have is answered in the default language (a
page in French still gets a working widget, in English). The catalogue is read
again only when one of its files changed, so an edited text shows on the next page
load without a restart.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Dict, Optional, Tuple

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from helpdesk.language import normalize_language
from helpdesk.replies import ReplyCatalogue, current_catalogue

logger = logging.getLogger(__name__)

# The areas a browser may fetch: what the widget and the console show. (Every text
# of the catalogue is public anyway; the list keeps the URLs to what is meant.)
BROWSER_AREAS = ("widget", "console")
# Short enough that an edited text reaches browsers within minutes, long enough
# that a busy page does not ask for the same texts on every load.
CACHE_CONTROL = "public, max-age=300"

router = APIRouter(prefix="/i18n", tags=["interface texts"])


class CatalogueCache:
    """The reply catalogue of one knowledge base, read again when a file changed."""

    def __init__(self, kb_dir: Path) -> None:
        self.kb_dir = Path(kb_dir)

    def catalogue(self) -> ReplyCatalogue:
        return current_catalogue(self.kb_dir)

    def language(self, requested: Optional[str]) -> str:
        """The catalogue's language for `requested` ("zh-CN" -> "zh"), else the
        default language."""
        catalogue = self.catalogue()
        return catalogue.language_or_default(normalize_language(requested))

    def texts(self, area: str, requested: Optional[str]) -> Dict[str, str]:
        return self.catalogue().area(area, self.language(requested))

    def languages(self) -> Tuple[str, ...]:
        """The catalogue's languages, the default first."""
        return self.catalogue().languages

    def texts_or_none(self, area: str, requested: Optional[str]) -> Dict[str, str]:
        """For the error page, which must render whatever else is broken: no
        texts rather than no page."""
        try:
            return self.texts(area, requested)
        except Exception:  # an error page never fails on its decoration
            logger.exception("the reply catalogue cannot be read")
            return {}


@router.get(
    "/{area}/{language}.json",
    summary="The interface texts of the chat widget or the agent console",
    responses={404: {"description": "No such area"}},
)
def interface_texts(area: str, language: str, request: Request) -> JSONResponse:
    if area not in BROWSER_AREAS:
        raise HTTPException(status_code=404, detail="There are no such texts.")
    cache = ui_texts_cache(request)
    chosen = cache.language(language)
    return JSONResponse(
        {
            "language": chosen,
            "languages": list(cache.languages()),
            "texts": cache.texts(area, chosen),
        },
        headers={
            "Cache-Control": CACHE_CONTROL,
            # The widget runs on the company's own website, another origin.
            "Access-Control-Allow-Origin": "*",
            "Content-Language": chosen,
        },
    )


def install(app: FastAPI) -> None:
    """Serves the texts and gives the templates `ui_texts(area, language)`,
    `ui_texts_or_none` (for the error page), `ui_language(language)` and
    `ui_languages()`. Needs `app.state.kefu` (webapp/dependencies.py)."""
    state = app.state.kefu
    cache = CatalogueCache(state.settings.knowledge_base_dir)
    app.state.kefu_ui_texts = cache
    state.templates.env.globals["ui_texts"] = cache.texts
    state.templates.env.globals["ui_texts_or_none"] = cache.texts_or_none
    state.templates.env.globals["ui_language"] = cache.language
    state.templates.env.globals["ui_languages"] = cache.languages
    app.include_router(router)


def ui_texts_cache(request: Request) -> CatalogueCache:
    """The app's catalogue cache, for routes that render texts themselves."""
    return request.app.state.kefu_ui_texts
