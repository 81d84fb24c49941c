"""The demo shop page that carries the chat widget."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse

from webapp.dependencies import AppState, app_state

router = APIRouter(include_in_schema=False)

DEMO_PRODUCTS = [
    ('Aurora 55" 4K TV', "649.00", "Vivid 4K HDR picture, three HDMI ports."),
    ("Pulse Max headphones", "279.00", "Noise cancelling, 40-hour battery."),
    ("Nimbus robot vacuum", "399.00", "Maps your home, empties itself."),
    ("Brew Pro espresso machine", "549.00", "15-bar pump, steam wand, built-in grinder."),
    ('Swift 14" laptop', "1,099.00", "All-day battery, 16 GB memory."),
    ("Crisp air fryer", "139.00", "5.5-litre basket, eight presets."),
]


@router.get("/", response_class=HTMLResponse)
def shop(request: Request, state: AppState = Depends(app_state)) -> HTMLResponse:
    return state.templates.TemplateResponse(
        request,
        "shop.html",
        {
            "facts": state.facts,
            "products": DEMO_PRODUCTS,
            "demo_mode": state.settings.demo_mode,
        },
    )


@router.get("/healthz")
def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"})
