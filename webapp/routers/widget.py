"""What the chat widget needs besides its socket.io connection to Rasa: the
conversation so far, to show after a page reload. Only the browser holding the
session's secret (issued with the session id, see helpdesk/chat_sessions.py) may
read it: a session id alone opens nothing."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Header, Path

from helpdesk.chat_sessions import SESSION_ID_PATTERN, is_valid_session
from webapp.dependencies import AppState, app_state
from webapp.rasa_client import RasaUnavailable
from webapp.schemas import ChatHistory
from webapp.transcripts import chat_messages

router = APIRouter(prefix="/api/widget", tags=["widget"])


@router.get(
    "/history/{session_id}",
    response_model=ChatHistory,
    summary="The messages of a chat session, oldest first",
    responses={
        400: {"description": "Not a session id"},
        403: {"description": "The session secret is missing or wrong"},
        503: {"description": "Rasa is not reachable"},
    },
)
async def history(
    session_id: str = Path(..., description="The session id the widget got from session_confirm"),
    session_secret: Optional[str] = Header(
        None,
        alias="X-Kefu-Session-Secret",
        description="The secret that came with the session id in session_confirm",
    ),
    state: AppState = Depends(app_state),
) -> ChatHistory:
    if not SESSION_ID_PATTERN.match(session_id):
        raise state.errors.not_a_session()
    if not is_valid_session(state.settings.session_secret, session_id, session_secret):
        raise state.errors.other_browser()
    try:
        tracker = await state.rasa.tracker(session_id)
    except RasaUnavailable as error:
        raise state.errors.assistant_unreachable() from error
    events = (tracker or {}).get("events") or []
    return ChatHistory(session_id=session_id, messages=chat_messages(events))
