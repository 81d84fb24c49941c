"""The web app: the demo shop page with the chat widget, the help center, and the
JSON API (documented at /docs, OpenAPI at /openapi.json).

`create_app()` builds a fresh app from settings, so tests run it with their own
database and Rasa address; nothing is built at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from helpdesk.config import Settings
from webapp.dependencies import AppState
from webapp.routers import demo, help_center, pages, widget

STATIC_DIR = Path(__file__).parent / "static"


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    settings = (settings or Settings.from_env()).check()
    app = FastAPI(
        title="Kefu helpdesk API",
        version="0.1.0",
        description="The chat widget's history and the demo sign-in. "
        "Every answer is JSON; errors carry a `detail` message.",
    )
    app.state.kefu = AppState.from_settings(settings)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(pages.router)
    app.include_router(help_center.router)
    app.include_router(widget.router)
    if settings.demo_mode:
        # Anyone who can reach this can sign in as any customer: only in demo mode,
        # which Settings.check() refuses outside development.
        app.include_router(demo.router)
    return app
