"""The agents' queue and what they do with a chat: claim, reply, note, resolve,
hand back, turn into a ticket. Plus the live event feed the console listens to."""

from __future__ import annotations

import dataclasses
from typing import List, Optional

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from helpdesk.agents import AgentView
from helpdesk.customer_profile import build_profile
from helpdesk.handoffs.desk import HandoffConflict, HandoffNotFound, NotYourChat, Outcome
from helpdesk.handoffs.summary import summarize
from helpdesk.handoffs.to_ticket import TicketChoice
from helpdesk.records import RecordsUnavailable
from webapp.agent_auth import current_agent, session_token
from webapp.agent_schemas import (
    ActionOut,
    CategoryOut,
    ConvertBody,
    EventCursor,
    EventOut,
    HandoffOut,
    NoteBody,
    QueueItem,
    TextBody,
    TicketDraftOut,
    TransferBody,
)
from webapp.agent_views import customer_record_out, event_out, queue_item, ticket_out
from webapp.bounds import DB_INT_MAX
from webapp.console_stream import console_stream as _stream  # tests stand in for it
from webapp.dependencies import AppState, app_state
from webapp.rasa_client import RasaUnavailable
from webapp.sweeper import queue_positions

router = APIRouter(prefix="/api", tags=["handoffs"], dependencies=[Depends(current_agent)])

HANDOFF_ID = Path(..., ge=1, le=2**31 - 1, description="The handoff's id (from the queue)")
ERRORS = {
    401: {"description": "Not signed in, or the session expired"},
    403: {"description": "Another agent holds the chat"},
    404: {"description": "No such chat"},
    409: {"description": "The chat is not in a state that allows this"},
    503: {"description": "The database or the assistant is not reachable"},
}
# The console's language for what the agent reads (the case summary); the
# company's default when not given.
CONSOLE_LANGUAGE = Query(
    None,
    max_length=16,
    description='The language of the summary ("en", "zh"); default: the company\'s',
)


# How the desk's refusals read over HTTP.
_STATUS = {HandoffNotFound: 404, NotYourChat: 403, HandoffConflict: 409}
DESK_ERRORS = (HandoffNotFound, NotYourChat, HandoffConflict, RecordsUnavailable)


def _http_error(state: AppState, error: Exception) -> HTTPException:
    """The desk's refusals are worded by the desk (helpdesk/handoffs/desk.py)."""
    if isinstance(error, RecordsUnavailable):
        return state.errors.database_unavailable()
    return HTTPException(status_code=_STATUS[type(error)], detail=str(error))


async def _desk_call(state: AppState, function, *args):  # type: ignore[no-untyped-def]
    try:
        return await run_in_threadpool(function, *args)
    except DESK_ERRORS as error:
        raise _http_error(state, error) from error


async def _after_change(state: AppState, outcome: Outcome) -> ActionOut:
    delivered = await state.delivery.send_all(outcome.entry.conversation_id, outcome.notices)
    return ActionOut(
        handoff=queue_item(outcome.entry, state.now()),
        event=event_out(outcome.event) if outcome.event else None,
        delivered=delivered,
        ticket=ticket_out(outcome.ticket.ticket) if outcome.ticket else None,
    )


@router.get(
    "/queue", response_model=List[QueueItem], summary="Waiting and active chats, most urgent first"
)
def queue(state: AppState = Depends(app_state)) -> List[QueueItem]:
    now = state.now()
    try:
        entries = state.desk.queue()
    except RecordsUnavailable as error:
        raise _http_error(state, error) from error
    return [queue_item(e, now) for e in entries]


@router.get(
    "/handoffs/{handoff_id}",
    response_model=HandoffOut,
    responses=ERRORS,
    summary="One chat with everything known",
)
def handoff(
    handoff_id: int = HANDOFF_ID,
    language: Optional[str] = CONSOLE_LANGUAGE,
    state: AppState = Depends(app_state),
) -> HandoffOut:
    now = state.now()
    texts = state.texts
    try:
        detail = state.desk.detail(handoff_id)
        customer_id = detail.entry.customer_id
        profile = (
            build_profile(state.records, state.conversations, customer_id, now, language, texts)
            if customer_id
            else None
        )
    except (HandoffNotFound, RecordsUnavailable) as error:
        raise _http_error(state, error) from error
    return HandoffOut(
        handoff=queue_item(detail.entry, now),
        summary=summarize(detail, profile, language, texts),
        transcript=detail.transcript,
        collected=detail.collected,
        events=[event_out(e) for e in detail.events],
        customer=customer_record_out(profile),
        last_event_id=max((e.id for e in detail.events), default=0),
    )


@router.post(
    "/handoffs/{handoff_id}/claim",
    response_model=ActionOut,
    responses=ERRORS,
    summary="Take the chat; the customer sees you join",
)
async def claim(
    handoff_id: int = HANDOFF_ID,
    agent: AgentView = Depends(current_agent),
    state: AppState = Depends(app_state),
) -> ActionOut:
    outcome = await _desk_call(state, state.desk.claim, handoff_id, agent, state.now())
    answer = await _after_change(state, outcome)
    await state.delivery.tell_queue_positions(queue_positions(state), state.now())
    return answer


@router.post(
    "/handoffs/{handoff_id}/reply",
    response_model=EventOut,
    responses=ERRORS,
    summary="Write to the customer (only the agent holding the chat)",
)
async def reply(
    body: TextBody,
    handoff_id: int = HANDOFF_ID,
    agent: AgentView = Depends(current_agent),
    state: AppState = Depends(app_state),
) -> EventOut:
    desk = state.desk
    entry = await _desk_call(state, desk.check_can_write, handoff_id, agent)
    try:
        await state.delivery.send(
            entry.conversation_id, desk.reply_notice(agent, body.text, handoff_id)
        )
    except RasaUnavailable as error:
        raise state.errors.reply_not_delivered() from error
    event = await _desk_call(state, desk.record_reply, handoff_id, agent, body.text, state.now())
    try:
        if await state.email_chat_reply(event.id):
            event = dataclasses.replace(event, email_status="queued")
    except RecordsUnavailable as error:
        raise _http_error(state, error) from error
    return event_out(event)


@router.post(
    "/handoffs/{handoff_id}/notes",
    response_model=EventOut,
    status_code=201,
    responses=ERRORS,
    summary="Add an internal note (the customer never sees it)",
)
async def note(
    body: NoteBody,
    handoff_id: int = HANDOFF_ID,
    agent: AgentView = Depends(current_agent),
    state: AppState = Depends(app_state),
) -> EventOut:
    return event_out(
        await _desk_call(state, state.desk.add_note, handoff_id, agent, body.text, state.now())
    )


@router.post(
    "/handoffs/{handoff_id}/resolve",
    response_model=ActionOut,
    responses=ERRORS,
    summary="Close the chat as solved; the customer is asked for a rating",
)
async def resolve(
    handoff_id: int = HANDOFF_ID,
    agent: AgentView = Depends(current_agent),
    state: AppState = Depends(app_state),
) -> ActionOut:
    return await _after_change(
        state, await _desk_call(state, state.desk.resolve, handoff_id, agent, state.now())
    )


@router.post(
    "/handoffs/{handoff_id}/hand-back",
    response_model=ActionOut,
    responses=ERRORS,
    summary="Let go; the bot answers the customer again",
)
async def hand_back(
    handoff_id: int = HANDOFF_ID,
    agent: AgentView = Depends(current_agent),
    state: AppState = Depends(app_state),
) -> ActionOut:
    return await _after_change(
        state, await _desk_call(state, state.desk.hand_back, handoff_id, agent, state.now())
    )


@router.post(
    "/handoffs/{handoff_id}/transfer",
    response_model=ActionOut,
    responses=ERRORS,
    summary="Pass the chat to another agent or to a team, with a note for them",
)
async def transfer(
    body: TransferBody,
    handoff_id: int = HANDOFF_ID,
    agent: AgentView = Depends(current_agent),
    state: AppState = Depends(app_state),
) -> ActionOut:
    desk = state.desk
    if body.agent_email:
        move, to = desk.transfer_to_agent, body.agent_email
    elif body.team:
        move, to = desk.transfer_to_team, body.team
    else:
        raise _http_error(state, HandoffConflict(state.texts.say("desk.transfer_to_whom")))
    outcome = await _desk_call(state, move, handoff_id, agent, to, body.note, state.now())
    answer = await _after_change(state, outcome)
    # A chat passed to a team waits again: it takes a place in the queue.
    await state.delivery.tell_queue_positions(queue_positions(state), state.now())
    return answer


@router.post(
    "/handoffs/{handoff_id}/convert",
    response_model=ActionOut,
    responses=ERRORS,
    summary="Turn the chat into a ticket with the transcript and details",
)
async def convert(
    body: Optional[ConvertBody] = None,
    handoff_id: int = HANDOFF_ID,
    agent: AgentView = Depends(current_agent),
    state: AppState = Depends(app_state),
) -> ActionOut:
    """Without a body the ticket takes the chat's own category guess and subject."""
    choice = None
    if body is not None and (body.category or body.subject):
        if not (body.category and body.subject):
            raise HTTPException(422, detail=state.texts.say("desk.category_and_subject"))
        choice = TicketChoice(category=body.category, subject=body.subject.strip())
    try:
        outcome = await _desk_call(
            state, state.desk.convert_to_ticket, handoff_id, agent, state.now(), choice
        )
    except ValueError as error:  # an unknown category, a subject too long
        raise HTTPException(422, detail=str(error)) from error
    return await _after_change(state, outcome)


@router.get(
    "/handoffs/{handoff_id}/ticket-draft",
    response_model=TicketDraftOut,
    responses=ERRORS,
    summary="What the Turn into ticket form starts from: categories, the guess, a subject",
)
def ticket_draft(
    handoff_id: int = HANDOFF_ID,
    language: Optional[str] = CONSOLE_LANGUAGE,
    state: AppState = Depends(app_state),
) -> TicketDraftOut:
    try:
        draft = state.desk.ticket_draft(handoff_id, language)
    except (HandoffNotFound, RecordsUnavailable) as error:
        raise _http_error(state, error) from error
    return TicketDraftOut(
        categories=[CategoryOut(key=key, label=label) for key, label in draft.categories],
        category=draft.category,
        subject=draft.subject,
    )


@router.get(
    "/events",
    response_model=List[EventOut],
    summary="Events after a cursor (polling alternative to the stream)",
)
def events(
    after: int = Query(0, ge=0, le=DB_INT_MAX, description="The last event id already seen"),
    handoff_id: Optional[int] = Query(
        None, ge=1, le=DB_INT_MAX, description="Only this chat's events"
    ),
    state: AppState = Depends(app_state),
) -> List[EventOut]:
    try:
        return [event_out(e) for e in state.desk.events_after(after, handoff_id)]
    except RecordsUnavailable as error:
        raise _http_error(state, error) from error


@router.get(
    "/events/cursor", response_model=EventCursor, summary="The newest event's id, to poll from"
)
def event_cursor(state: AppState = Depends(app_state)) -> EventCursor:
    try:
        return EventCursor(last_event_id=state.desk.latest_event_id())
    except RecordsUnavailable as error:
        raise _http_error(state, error) from error


class LiveFeedOut(BaseModel):
    mode: str = Field(..., description="broker: woken by RabbitMQ; polling: every 250 ms")
    streams: int = Field(..., description="Console streams open on this process")
    reads: int = Field(..., description="Reads of new events by the shared reader so far")
    broker_messages: int = Field(..., description="Broker messages that woke it so far")
    typing_reads: int = Field(..., description="Reads of customers typing, for all streams")
    ticket_reads: int = Field(..., description="Reads of agents' ticket events, all streams")


@router.get(
    "/events/feed",
    response_model=LiveFeedOut,
    summary="How this web process follows new events (for operators and tests)",
)
def live_feed(state: AppState = Depends(app_state)) -> LiveFeedOut:
    feed = state.live
    return LiveFeedOut(
        mode=feed.mode,
        streams=len(feed.subscriptions),
        reads=feed.reads,
        broker_messages=state.broker.received if state.broker is not None else 0,
        typing_reads=state.typing_now.reads,
        ticket_reads=feed.ticket_reads,
    )


@router.get(
    "/events/stream",
    summary="Server-sent events: every new handoff event as it happens",
    description="Each message's `id` is the event id, so a reconnecting EventSource resumes "
    "where it stopped (Last-Event-ID). Without a cursor the stream starts at the newest event.",
    response_class=StreamingResponse,
)
async def event_stream(
    request: Request,
    after: Optional[int] = Query(None, ge=0, le=DB_INT_MAX),
    last_event_id: Optional[int] = Header(
        None, ge=0, le=DB_INT_MAX, description="Sent by a reconnecting EventSource"
    ),
    state: AppState = Depends(app_state),
) -> StreamingResponse:
    cursor = after if after is not None else last_event_id
    if cursor is None:
        cursor = await run_in_threadpool(state.desk.latest_event_id)
    token = session_token(request) or ""
    return StreamingResponse(
        _stream(request, state, cursor, token),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
