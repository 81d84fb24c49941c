"""The demo shop page that carries the chat widget, in each language the reply
catalogue has (`/?lang=zh`): the page's <html lang> is what the widget speaks."""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from helpdesk.company import load_company
from helpdesk.localization import Localizer
from webapp.dependencies import AppState, app_state
from webapp.routers.i18n import ui_texts_cache

router = APIRouter(include_in_schema=False)

# Name, price in USD, and the key of its blurb in knowledge_base/replies/shop.yml.
DEMO_PRODUCTS = [
    ('Aurora 55" 4K TV', Decimal("649.00"), "product_tv"),
    ("Pulse Max headphones", Decimal("279.00"), "product_headphones"),
    ("Nimbus robot vacuum", Decimal("399.00"), "product_vacuum"),
    ("Brew Pro espresso machine", Decimal("549.00"), "product_espresso"),
    ('Swift 14" laptop', Decimal("1099.00"), "product_laptop"),
    ("Crisp air fryer", Decimal("139.00"), "product_air_fryer"),
]


@router.get("/", response_class=HTMLResponse)
def shop(
    request: Request,
    lang: Optional[str] = Query(None, max_length=16),
    state: AppState = Depends(app_state),
) -> HTMLResponse:
    cache = ui_texts_cache(request)
    catalogue = cache.catalogue()
    language = cache.language(lang)
    texts = catalogue.area("shop", language)
    money = Localizer(catalogue, language).money
    return state.templates.TemplateResponse(
        request,
        "shop.html",
        {
            "facts": load_company(state.settings.knowledge_base_dir, language),
            "t": texts,
            "page_lang": language,
            # Each language's name in that language, for the switch.
            "languages": [(code, texts[f"language_{code}"]) for code in catalogue.languages],
            "products": [
                (name, money(price, "USD"), texts[blurb]) for name, price, blurb in DEMO_PRODUCTS
            ],
            "demo_mode": state.settings.demo_mode,
        },
    )


@router.get("/healthz")
def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"})
