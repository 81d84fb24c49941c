"""The agent console's pages. Everything on them comes from the agents' JSON API;
the pages themselves only need a signed-in agent (else: the login page, which
brings the agent back to the same address). A chat, a ticket and a customer have
addresses of their own (/console/tickets/T-00042): the same page, which opens
what the address names."""

from __future__ import annotations

from enum import Enum
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi import Path as FastApiPath
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from webapp.agent_auth import session_token
from webapp.dependencies import AppState, app_state

router = APIRouter(prefix="/console", include_in_schema=False)


class ConsoleView(str, Enum):
    """The console's views that have an address of their own (console-main.js)."""

    chats = "chats"
    tickets = "tickets"
    customers = "customers"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, state: AppState = Depends(app_state)) -> Response:
    return state.templates.TemplateResponse(request, "console_login.html", {"facts": state.facts})


@router.get("", response_class=HTMLResponse)
def console_page(request: Request, state: AppState = Depends(app_state)) -> Response:
    return _console(request, state, "/console")


@router.get("/{view}", response_class=HTMLResponse)
def console_view(
    request: Request, view: ConsoleView, state: AppState = Depends(app_state)
) -> Response:
    """/console/tickets, /console/customers, /console/chats: the page, on that view."""
    return _console(request, state, f"/console/{view.value}")


@router.get("/{view}/{item}", response_class=HTMLResponse)
def console_item(
    request: Request,
    view: ConsoleView,
    item: str = FastApiPath(..., max_length=200),
    state: AppState = Depends(app_state),
) -> Response:
    """/console/tickets/T-00042, /console/customers/C1001, /console/chats/12: the
    page, which opens what the address names (an unknown one: the page says it
    was not found). Only the signed-in agent's session decides what it shows."""
    return _console(request, state, f"/console/{view.value}/{quote(item, safe='')}")


def _console(request: Request, state: AppState, address: str) -> Response:
    token = session_token(request)
    agent = state.accounts.agent_for_token(token, state.now()) if token else None
    if agent is None:
        # After signing in, the agent comes back to the same address.
        return RedirectResponse(f"/console/login?next={quote(address)}", status_code=303)
    return state.templates.TemplateResponse(
        request,
        "console.html",
        {"facts": state.facts, "agent": agent},
        headers={"Cache-Control": "no-store"},
    )
