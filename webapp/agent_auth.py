"""Who is calling the agents' API: the signed-in agent, from the session cookie the
console gets at login (or the same token as `Authorization: Bearer ...` for
scripts). Every agents' route depends on `current_agent`, so none answers without
a valid, unexpired session; the admin's routes depend on `current_admin`, which
also refuses an agent whose role is not admin (403). The role is read from the
database with the session, so an admin made an agent again loses it at once."""

from __future__ import annotations

from typing import Optional

from fastapi import Depends, HTTPException, Request

from helpdesk.agent_presence import ADMIN
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


def current_admin(
    agent: AgentView = Depends(current_agent), state: AppState = Depends(app_state)
) -> AgentView:
    """The signed-in agent, if they are an admin; 403 for anyone else."""
    if agent.role != ADMIN:
        raise HTTPException(status_code=403, detail=state.errors.say("admin_only"))
    return agent
