"""Signing agents in and out of the console."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request, Response

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
        429: {"description": "Too many wrong passwords; the account is locked for a while"},
    },
)
def login(body: LoginRequest, response: Response, state: AppState = Depends(app_state)) -> LoginOut:
    now = state.now()
    try:
        signed_in = state.accounts.sign_in(body.email, body.password, now)
    except LoginFailed:
        raise HTTPException(
            status_code=401, detail="That email and password do not match an agent."
        ) from None
    except LoginLocked as locked:
        minutes = max(1, round((locked.until - now).total_seconds() / 60))
        raise HTTPException(
            status_code=429,
            detail=f"Too many wrong passwords. Please try again in {minutes} minute"
            f"{'' if minutes == 1 else 's'}.",
        ) from None
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
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=AgentOut, summary="The signed-in agent")
def me(agent: AgentView = Depends(current_agent)) -> AgentOut:
    return AgentOut(id=agent.id, email=agent.email, name=agent.name)
