"""Who is calling the agents' API: the signed-in agent, from the session cookie the
console gets at login (or the same token as `Authorization: Bearer ...` for
scripts). Every agents' route depends on `current_agent`, so none answers without
a valid, unexpired session."""

from __future__ import annotations

from typing import Optional

from fastapi import Depends, Request

from helpdesk.agents import AgentView
from helpdesk.records import RecordsUnavailable
from webapp.dependencies import AppState, app_state

SESSION_COOKIE = "kefu_agent_session"


def session_token(request: Request) -> Optional[str]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.cookies.get(SESSION_COOKIE) or None


def current_agent(request: Request, state: AppState = Depends(app_state)) -> AgentView:
    token = session_token(request)
    if token is None:
        raise state.errors.not_signed_in()
    try:
        agent = state.accounts.agent_for_token(token, state.now())
    except RecordsUnavailable as error:
        raise state.errors.database_unavailable() from error
    if agent is None:
        raise state.errors.not_signed_in(session_ended=True)
    return agent
