"""What the chat widget needs besides its socket.io connection to Rasa: the
conversation so far, to show after a page reload."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, HTTPException, Path

from webapp.dependencies import AppState, app_state
from webapp.rasa_client import RasaUnavailable
from webapp.schemas import ChatHistory
from webapp.transcripts import chat_messages

router = APIRouter(prefix="/api/widget", tags=["widget"])

# The widget's session ids are random (socket.io channel: 32 hex digits); anything
# else is refused before it reaches Rasa.
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


@router.get(
    "/history/{session_id}",
    response_model=ChatHistory,
    summary="The messages of a chat session, oldest first",
    responses={
        400: {"description": "Not a session id"},
        503: {"description": "Rasa is not reachable"},
    },
)
async def history(
    session_id: str = Path(..., description="The session id the widget got from session_confirm"),
    state: AppState = Depends(app_state),
) -> ChatHistory:
    if not SESSION_ID.match(session_id):
        raise HTTPException(status_code=400, detail="That is not a chat session id.")
    try:
        tracker = await state.rasa.tracker(session_id)
    except RasaUnavailable as error:
        raise HTTPException(
            status_code=503, detail="The assistant is not reachable right now."
        ) from error
    events = (tracker or {}).get("events") or []
    return ChatHistory(session_id=session_id, messages=chat_messages(events))
