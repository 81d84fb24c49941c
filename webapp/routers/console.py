"""The agent console's pages. Everything on them comes from the agents' JSON API;
the pages themselves only need a signed-in agent (else: the login page)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from webapp.agent_auth import session_token
from webapp.dependencies import AppState, app_state

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, state: AppState = Depends(app_state)) -> Response:
    return state.templates.TemplateResponse(request, "console_login.html", {"facts": state.facts})


@router.get("", response_class=HTMLResponse)
def console_page(request: Request, state: AppState = Depends(app_state)) -> Response:
    token = session_token(request)
    agent = state.accounts.agent_for_token(token, state.now()) if token else None
    if agent is None:
        return RedirectResponse(f"/console/login?next={quote('/console')}", status_code=303)
    return state.templates.TemplateResponse(
        request,
        "console.html",
        {"facts": state.facts, "agent": agent},
        headers={"Cache-Control": "no-store"},
    )
