"""Agents' status: each agent chooses online, away or offline, the console reports
activity so an idle agent turns away, and everyone sees everyone's status and
load. Only online agents get chats assigned automatically. The queue also says
whether support is open (`/api/support-hours`)."""

from __future__ import annotations

from typing import List

from fastapi import APIRouter, Depends, Response
from starlette.concurrency import run_in_threadpool

from helpdesk.agent_presence import PresenceError
from helpdesk.agents import AgentView
from helpdesk.handoffs.teams import Teams
from webapp.agent_auth import current_agent
from webapp.agent_schemas import PresenceOut, StatusRequest, SupportHoursOut, TeamOut
from webapp.dependencies import AppState, app_state

router = APIRouter(prefix="/api", tags=["presence"])


@router.get("/agents", response_model=List[PresenceOut], summary="Every agent's status and load")
async def everyone(
    agent: AgentView = Depends(current_agent), state: AppState = Depends(app_state)
) -> List[PresenceOut]:
    views = await run_in_threadpool(state.presence.everyone, state.now())
    return [
        PresenceOut(
            id=v.agent_id,
            name=v.name,
            email=v.email,
            role=v.role,
            status=v.status,
            active_chats=v.active_chats,
            capacity=v.capacity,
        )
        for v in views
    ]


@router.put(
    "/agent/status",
    status_code=204,
    summary="Choose online, away or offline",
    responses={422: {"description": "Not one of the statuses"}},
)
async def set_status(
    body: StatusRequest,
    agent: AgentView = Depends(current_agent),
    state: AppState = Depends(app_state),
) -> Response:
    try:
        await run_in_threadpool(state.presence.set_status, agent.id, body.status, state.now())
    except PresenceError:
        raise state.errors.invalid_status() from None
    return Response(status_code=204)


@router.post("/agent/activity", status_code=204, summary="The agent is at the console")
async def activity(
    agent: AgentView = Depends(current_agent), state: AppState = Depends(app_state)
) -> Response:
    await run_in_threadpool(state.presence.seen_active, agent.id, state.now())
    return Response(status_code=204)


@router.get("/teams", response_model=List[TeamOut], summary="The teams chats can be passed to")
async def teams(
    agent: AgentView = Depends(current_agent), state: AppState = Depends(app_state)
) -> List[TeamOut]:
    views = await run_in_threadpool(Teams(state.db).all)
    return [TeamOut(key=v.key, name=v.name, members=list(v.members)) for v in views]


@router.get(
    "/support-hours",
    response_model=SupportHoursOut,
    summary="Whether support is open now, until when, or when it opens",
)
def support_hours(
    agent: AgentView = Depends(current_agent), state: AppState = Depends(app_state)
) -> SupportHoursOut:
    """The queue tells agents when support is closed: chats arriving then become
    tickets (helpdesk/handoffs/escalation.py), so nobody waits for one."""
    hours, now = state.facts.hours, state.now()
    if hours.is_open(now):
        window = hours.window(now.astimezone(hours.zone).date())
        return SupportHoursOut(open=True, closes_at=window[1] if window else None)
    try:
        opens_at = hours.next_opening(now)
    except ValueError:  # a schedule with no opening hours at all
        opens_at = None
    return SupportHoursOut(open=False, opens_at=opens_at)
