"""Signing agents in and out of the console."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from helpdesk.agent_presence import OFFLINE
from helpdesk.agents import AgentView, LoginFailed, LoginLocked
from webapp.agent_auth import SESSION_COOKIE, current_agent, session_token
from webapp.agent_schemas import AgentOut, LoginOut, LoginRequest
from webapp.dependencies import AppState, app_state

router = APIRouter(prefix="/api/agent", tags=["agent session"])


@router.post(
    "/login",
    response_model=LoginOut,
    summary="Sign in with email and password; sets the session cookie",
    responses={
        401: {"description": "Wrong email or password"},
        429: {"description": "Too many failed sign-ins from this address; try again later"},
        503: {"description": "The database is not reachable"},
    },
)
def login(
    body: LoginRequest,
    request: Request,
    response: Response,
    state: AppState = Depends(app_state),
) -> LoginOut:
    now = state.now()
    # Failures are counted per client address. Behind nginx every connection comes
    # from the proxy: uvicorn replaces request.client with the X-Forwarded-For
    # address only for connections from a trusted proxy (--forwarded-allow-ips, by
    # default 127.0.0.1, where production's nginx runs), taking the rightmost
    # address that is not a trusted proxy, and ignores the header from anyone
    # else: nobody chooses the address their failures count against.
    client = request.client.host if request.client else None
    try:
        signed_in = state.accounts.sign_in(body.email, body.password, now, client)
    except LoginFailed:
        raise state.errors.login_failed() from None
    except LoginLocked as locked:
        raise state.errors.login_locked(locked.until, now) from None
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.token,
        max_age=int((signed_in.expires_at - now).total_seconds()),
        httponly=True,
        samesite="strict",
        secure=state.settings.public_web_url.startswith("https://"),
        path="/",
    )
    agent = signed_in.agent
    return LoginOut(
        agent=AgentOut(id=agent.id, email=agent.email, name=agent.name),
        token=signed_in.token,
        expires_at=signed_in.expires_at,
    )


@router.post(
    "/logout", status_code=204, summary="Sign out (ends the session everywhere it is used)"
)
def logout(
    request: Request,
    response: Response,
    agent: AgentView = Depends(current_agent),
    state: AppState = Depends(app_state),
) -> Response:
    token = session_token(request)
    if token:
        state.accounts.sign_out(token)
    state.presence.set_status(agent.id, OFFLINE, state.now())  # nothing more is assigned
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=AgentOut, summary="The signed-in agent")
def me(agent: AgentView = Depends(current_agent)) -> AgentOut:
    return AgentOut(id=agent.id, email=agent.email, name=agent.name)
