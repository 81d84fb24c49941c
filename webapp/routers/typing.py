"""Typing indicators both ways.

The agent's: the console posts while the agent writes a reply (at most every few
seconds, and once when they stop); the web app passes it to Kefu's socket.io
channel in Rasa, which tells the customer's widget. Only the agent holding the
chat may say they are typing in it.

The customer's: the Rasa channel writes it in the chat's handoff row
(helpdesk/typing_signals.py); the console's event stream (/api/events/stream)
carries it as `typing` messages (webapp/typing_feed.py), and GET /api/typing
answers the console while it polls instead.
"""

from __future__ import annotations

from typing import List

from fastapi import APIRouter, Depends, HTTPException, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from helpdesk.agents import AgentView
from helpdesk.records import RecordsUnavailable
from helpdesk.typing_signals import CustomerTyping
from webapp.agent_auth import current_agent
from webapp.dependencies import AppState, app_state
from webapp.rasa_client import RasaUnavailable
from webapp.routers.handoffs import ERRORS, HANDOFF_ID, _desk_call, _http_error
from webapp.typing_feed import CustomerTypingOut, signal_out

router = APIRouter(prefix="/api", tags=["handoffs"], dependencies=[Depends(current_agent)])


class TypingBody(BaseModel):
    typing: bool = Field(True, description="false: the agent stopped (sent, or paused)")


@router.post(
    "/handoffs/{handoff_id}/typing",
    status_code=204,
    response_class=Response,
    responses=ERRORS,
    summary="Show the customer that you are typing (only the agent holding the chat)",
)
async def agent_typing(
    body: TypingBody,
    handoff_id: int = HANDOFF_ID,
    agent: AgentView = Depends(current_agent),
    state: AppState = Depends(app_state),
) -> Response:
    entry = await _desk_call(state, state.desk.check_can_write, handoff_id, agent)
    try:
        await state.rasa.agent_typing(entry.conversation_id, agent.name, body.typing)
    except RasaUnavailable as error:
        raise HTTPException(status_code=503, detail=state.errors.say("assistant_unreachable")) from error
    return Response(status_code=204)


@router.get(
    "/typing",
    response_model=List[CustomerTypingOut],
    summary="The chats whose customer is typing now (polling alternative to the stream)",
)
async def customers_typing(state: AppState = Depends(app_state)) -> List[CustomerTypingOut]:
    try:
        signals = await run_in_threadpool(CustomerTyping(state.db).typing_now, state.now())
    except RecordsUnavailable as error:
        raise _http_error(state, error) from error
    return [signal_out(signal) for signal in signals]

