"""A database that is down is a 503, on every route, never a 500 with a traceback.

The data layer raises `RecordsUnavailable` for a connection failure; the routes
that expect it answer with their own 503. These handlers catch whatever escapes
anyway, that and raw SQLAlchemy connection errors (a query run outside
`unit_of_work`, a pool that ran out of connections), so a route written tomorrow
cannot turn an outage into a crash page. The API gets JSON with a `detail`, like
every other error it sends; a page (the console) gets a short page that says what
happened and offers to try again.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from helpdesk.records import RecordsUnavailable
from webapp.dependencies import AppState

log = logging.getLogger(__name__)

DATABASE_ERRORS = (RecordsUnavailable, OperationalError, InterfaceError, PoolTimeout)
# Not a promise, a hint for clients that retry: about when it is worth asking again.
RETRY_AFTER_SECONDS = "30"


def wants_json(request: Request) -> bool:
    """The JSON API and the OpenAPI document answer JSON; everything else is a page."""
    path = request.url.path
    return path.startswith("/api/") or path == "/openapi.json"


async def database_down(request: Request, error: Exception) -> Response:
    log.warning(
        "database not reachable for %s %s: %s",
        request.method,
        request.url.path,
        str(error).splitlines()[0] if str(error) else type(error).__name__,
    )
    headers = {"Retry-After": RETRY_AFTER_SECONDS, "Cache-Control": "no-store"}
    state: AppState = request.app.state.kefu
    errors = state.errors
    problem = errors.say_whatever_happens("database_unavailable")
    if wants_json(request):
        return JSONResponse({"detail": problem}, status_code=503, headers=headers)
    return state.templates.TemplateResponse(
        request,
        "unavailable.html",
        {
            "company_name": _company_name(state),
            "problem": problem,
            # The page says what to do about it; the API's callers decide that themselves.
            "advice": errors.say_whatever_happens("database_unavailable_advice"),
        },
        status_code=503,
        headers=headers,
    )


def _company_name(state: AppState) -> str:
    """The page must render whatever else is broken: no name rather than no page."""
    try:
        return state.facts.name
    except Exception:  # an error page never fails on decoration
        return ""


def install_error_handlers(app: FastAPI) -> None:
    for error_class in DATABASE_ERRORS:
        app.add_exception_handler(error_class, database_down)
