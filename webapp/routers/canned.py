"""Canned replies (helpdesk/canned_replies.py): any agent lists them and gets one
filled in for the chat they hold; only admins add, change and remove them."""

from __future__ import annotations

from typing import List, Optional

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response
from starlette.concurrency import run_in_threadpool

from helpdesk.agents import AgentView
from helpdesk.canned_placeholders import PLACEHOLDERS, chat_values
from helpdesk.canned_replies import (
    CannedReplies,
    CannedReplyError,
    CannedReplyNotFound,
    CannedReplyView,
    NewCannedReply,
    RenderedReply,
)
from helpdesk.handoffs.desk import HandoffConflict, HandoffNotFound, NotYourChat
from helpdesk.records import RecordsUnavailable
from webapp.admin_schemas import CannedReplyBody, CannedReplyOut, RenderedReplyOut
from webapp.agent_auth import current_admin, current_agent
from webapp.bounds import DB_INT_MAX
from webapp.dependencies import AppState, app_state

router = APIRouter(prefix="/api/canned", tags=["canned replies"])

REPLY_ID = Path(..., ge=1, le=DB_INT_MAX, description="The canned reply's id")
ERRORS = {
    401: {"description": "Not signed in, or the session expired"},
    403: {"description": "Not an admin (changes), or another agent holds the chat (render)"},
    404: {"description": "No such canned reply or chat"},
    409: {"description": "The chat is not held by anyone (claim it first) or is closed"},
    422: {"description": "The reply cannot be saved as asked (the detail says why)"},
    503: {"description": "The database is not reachable"},
}
# The desk's refusals (worded by the desk) and the canned replies' (by the catalogue).
_STATUS = {
    HandoffNotFound: 404,
    NotYourChat: 403,
    HandoffConflict: 409,
    CannedReplyNotFound: 404,
    CannedReplyError: 422,
}


async def _call(state: AppState, function, *args, **kwargs):  # type: ignore[no-untyped-def]
    try:
        return await run_in_threadpool(function, *args, **kwargs)
    except RecordsUnavailable:
        raise state.errors.database_unavailable() from None
    except tuple(_STATUS) as error:
        status = next(code for kind, code in _STATUS.items() if isinstance(error, kind))
        raise HTTPException(status_code=status, detail=str(error)) from None


def _replies(state: AppState) -> CannedReplies:
    return CannedReplies(state.db, state.texts)


def reply_out(view: CannedReplyView) -> CannedReplyOut:
    return CannedReplyOut(
        id=view.id,
        shortcut=view.shortcut,
        title=view.title,
        body=view.body,
        language=view.language,
        team_key=view.team_key,
        team_name=view.team_name,
    )


def _new(body: CannedReplyBody) -> NewCannedReply:
    return NewCannedReply(body.shortcut, body.title, body.body, body.language, body.team)


@router.get(
    "",
    response_model=List[CannedReplyOut],
    responses=ERRORS,
    summary="The canned replies, by shortcut",
)
async def list_replies(
    language: Optional[str] = Query(None, max_length=8, description='"en" or "zh"'),
    q: Optional[str] = Query(None, max_length=200, description="Words in shortcut, title, text"),
    every_team: bool = Query(
        False, description="Also other teams' replies (the Admin view); default: yours"
    ),
    agent: AgentView = Depends(current_agent),
    state: AppState = Depends(app_state),
) -> List[CannedReplyOut]:
    views = await _call(state, _replies(state).list, language, q, None if every_team else agent.id)
    return [reply_out(view) for view in views]


@router.get(
    "/placeholders",
    response_model=List[str],
    responses=ERRORS,
    summary="The placeholders a canned reply's text may hold",
)
async def placeholders(agent: AgentView = Depends(current_agent)) -> List[str]:
    return list(PLACEHOLDERS)


def _render(state: AppState, agent: AgentView, reply_id: int, handoff_id: int) -> RenderedReply:
    """The text goes into a reply, which only the agent holding the chat may send:
    the same check as sending one (the desk's), before anything of the chat is read."""
    desk = state.desk
    desk.check_can_write(handoff_id, agent)
    replies = _replies(state)
    language = replies.get(reply_id).language
    values = chat_values(desk.detail(handoff_id), agent.name, state.texts.facts(language).name)
    return replies.render(reply_id, values)


@router.get(
    "/{reply_id}/render",
    response_model=RenderedReplyOut,
    responses=ERRORS,
    summary="The reply with the placeholders filled from a chat you hold",
)
async def render(
    reply_id: int = REPLY_ID,
    handoff_id: int = Query(..., ge=1, le=DB_INT_MAX, description="The chat it is for"),
    agent: AgentView = Depends(current_agent),
    state: AppState = Depends(app_state),
) -> RenderedReplyOut:
    rendered = await _call(state, _render, state, agent, reply_id, handoff_id)
    return RenderedReplyOut(
        reply=reply_out(rendered.reply), text=rendered.text, missing=list(rendered.missing)
    )


@router.post(
    "",
    response_model=CannedReplyOut,
    status_code=201,
    responses=ERRORS,
    summary="Add a canned reply (admins)",
)
async def add(
    body: CannedReplyBody,
    admin: AgentView = Depends(current_admin),
    state: AppState = Depends(app_state),
) -> CannedReplyOut:
    return reply_out(await _call(state, _replies(state).add, _new(body)))


@router.put(
    "/{reply_id}",
    response_model=CannedReplyOut,
    responses=ERRORS,
    summary="Replace a canned reply (admins)",
)
async def replace(
    body: CannedReplyBody,
    reply_id: int = REPLY_ID,
    admin: AgentView = Depends(current_admin),
    state: AppState = Depends(app_state),
) -> CannedReplyOut:
    changed = await _call(
        state,
        _replies(state).edit,
        reply_id,
        shortcut=body.shortcut,
        title=body.title,
        body=body.body,
        language=body.language,
        team=body.team,
    )
    return reply_out(changed)


@router.delete(
    "/{reply_id}", status_code=204, responses=ERRORS, summary="Remove a canned reply (admins)"
)
async def remove(
    reply_id: int = REPLY_ID,
    admin: AgentView = Depends(current_admin),
    state: AppState = Depends(app_state),
) -> Response:
    await _call(state, _replies(state).remove, reply_id)
    return Response(status_code=204)
