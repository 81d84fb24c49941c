"""The web app: the demo shop page with the chat widget, the help center, the
agent console, and the JSON API (documented at /docs, OpenAPI at /openapi.json).
Every response carries security headers (webapp/security_headers.py); a database
that is down is a 503 on every route (webapp/error_handlers.py).

`create_app()` builds a fresh app from settings, so tests run it with their own
database and Rasa address; nothing is built at import time.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import List, Optional

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from helpdesk.config import Settings
from helpdesk.email.receiver import InboundHandler, MailListener
from webapp.api_docs import install_api_docs
from webapp.dependencies import AppState
from webapp.error_handlers import install_error_handlers
from webapp.routers import (
    admin,
    agent_session,
    canned,
    console,
    customers,
    demo,
    email,
    handoffs,
    help_center,
    i18n,
    pages,
    presence,
    search,
    tickets,
    typing,
    widget,
)
from webapp.security_headers import SecurityHeaders
from webapp.sweeper import run_sweeper

STATIC_DIR = Path(__file__).parent / "static"


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    settings = (settings or Settings.from_env()).check()
    app = FastAPI(
        title="Kefu helpdesk API",
        version="0.1.0",
        description="The agents' helpdesk API (queue, handoffs, tickets, customers: sign "
        "in with `POST /api/agent/login` first; the session cookie or `Authorization: "
        "Bearer <token>` authenticates every other call), the chat widget's history and "
        "the demo sign-in. Every answer is JSON; errors carry a `detail` message.",
        # FastAPI's own pages load Swagger UI and ReDoc from a CDN: /docs is served
        # from the app instead (webapp/api_docs.py), ReDoc not at all.
        docs_url=None,
        redoc_url=None,
    )
    state = AppState.from_settings(settings)
    app.state.kefu = state
    app.add_middleware(SecurityHeaders, public_rasa_url=settings.public_rasa_url)
    install_error_handlers(app)
    install_api_docs(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    i18n.install(app)
    app.include_router(pages.router)
    app.include_router(help_center.router)
    app.include_router(widget.router)
    app.include_router(agent_session.router)
    app.include_router(handoffs.router)
    app.include_router(tickets.router)
    app.include_router(customers.router)
    app.include_router(console.router)
    app.include_router(presence.router)
    app.include_router(search.router)
    app.include_router(canned.router)
    app.include_router(admin.router)
    app.include_router(typing.router)
    app.include_router(email.router)
    if settings.demo_mode:
        # Anyone who can reach this can sign in as any customer: only in demo mode,
        # which Settings.check() refuses outside development.
        app.include_router(demo.router)

    background: List[asyncio.Task] = []

    listeners: List[MailListener] = []

    @app.on_event("startup")
    async def _start_live_feed() -> None:
        state.start_live_feed()  # the consoles' streams (webapp/live_feed.py)

    @app.on_event("startup")
    async def _start_sweeper() -> None:
        if settings.handoff_sweep_seconds > 0:
            sweeper = run_sweeper(state, settings.handoff_sweep_seconds)
            background.append(asyncio.create_task(sweeper))
        if state.mail is not None:
            background.append(asyncio.create_task(state.mail.run()))
            if settings.inbound_smtp_port:
                listener = MailListener(
                    InboundHandler(state.mail_intake(), now=state.now),
                    settings.inbound_smtp_host,
                    settings.inbound_smtp_port,
                    settings.email_max_message_bytes,
                )
                listener.start()  # its own thread and event loop
                listeners.append(listener)

    @app.on_event("shutdown")
    async def _stop() -> None:
        for listener in listeners:
            listener.stop()
        for task in background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await state.stop_live_feed()
        await state.rasa.aclose()

    return app
