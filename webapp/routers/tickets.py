"""Tickets for agents: the list (filters, due first), its counts, one ticket with
the conversation it came from, taking or assigning it, its status, comments."""

from __future__ import annotations

import asyncio
from typing import List, Optional

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from starlette.concurrency import run_in_threadpool

from helpdesk.agents import AgentView
from helpdesk.models import TICKET_STATUSES, TIERS, URGENCIES
from helpdesk.parsing import format_ticket_ref, parse_ticket_id
from helpdesk.records import RecordsUnavailable, TicketFilter, TicketView
from webapp.agent_auth import current_agent
from webapp.agent_schemas import (
    CommentBody,
    ConversationTurnOut,
    TicketDetailOut,
    TicketOut,
    TicketSummaryOut,
    TicketUpdate,
)
from webapp.agent_views import stored_conversation, ticket_details, ticket_fields, ticket_out
from webapp.bounds import DB_INT_MAX
from webapp.dependencies import AppState, app_state
from webapp.rasa_client import RasaUnavailable
from webapp.transcripts import chat_messages

router = APIRouter(prefix="/api/tickets", tags=["tickets"], dependencies=[Depends(current_agent)])
TICKET_REF = Path(..., max_length=20, description='The ticket number, as "T-00042" or "42"')
ERRORS = {
    401: {"description": "Not signed in, or the session expired"},
    404: {"description": "No such ticket"},
    503: {"description": "The database is not reachable"},
}
# A ticket that kept no transcript is read from Rasa's tracker: never wait long.
TRACKER_TIMEOUT_SECONDS = 3.0
# Who said a tracker's messages, as the conversation names them (a desk notice,
# "system", is not a turn of the conversation).
_TRACKER_ROLES = {"customer": "customer", "bot": "bot", "agent": "agent"}


def _ticket_id(state: AppState, ref: str) -> int:
    ticket_id = parse_ticket_id(ref, allow_bare_number=True)
    if ticket_id is None:
        raise state.errors.not_a_ticket_number(ref)
    return ticket_id


def _filter(
    state: AppState,
    agent: AgentView,
    statuses: List[str],
    assignee: Optional[str],
    category: Optional[str],
    urgency: Optional[str],
    tier: Optional[str],
    breached: bool,
) -> TicketFilter:
    wanted = tuple(s for value in statuses for s in value.split(",") if s)
    if any(s not in TICKET_STATUSES for s in wanted):
        raise state.errors.unknown_ticket_status(TICKET_STATUSES)
    for value, allowed in ((urgency, URGENCIES), (tier, TIERS)):
        if value is not None and value not in allowed:
            raise _unprocessable(state, "must_be_one_of", values=", ".join(allowed))
    assignee_id, unassigned = None, False
    if assignee == "me":
        assignee_id = agent.id
    elif assignee == "none":
        unassigned = True
    elif assignee is not None:
        if not assignee.isdigit() or not 0 < int(assignee) <= DB_INT_MAX:
            raise _unprocessable(state, "bad_assignee")
        assignee_id = int(assignee)
    return TicketFilter(
        statuses=wanted,
        assignee_id=assignee_id,
        unassigned=unassigned,
        category=category,
        urgency=urgency,
        tier=tier,
        breached_only=breached,
    )


def _unprocessable(state: AppState, key: str, **values: object) -> HTTPException:
    return HTTPException(status_code=422, detail=state.errors.say(key, **values))


@router.get(
    "",
    response_model=List[TicketOut],
    responses=ERRORS,
    summary="Tickets, what is due first first (solved and closed last)",
)
def list_tickets(
    status: List[str] = Query(
        [],
        description=f"One or several (repeated or comma-separated) of: "
        f"{', '.join(TICKET_STATUSES)}",
    ),
    assignee: Optional[str] = Query(
        None, max_length=12, description='"me", "none" (nobody has it) or an agent\'s id'
    ),
    category: Optional[str] = Query(None, max_length=32),
    urgency: Optional[str] = Query(None, max_length=16),
    tier: Optional[str] = Query(None, max_length=16, description="The customer's tier"),
    breached: bool = Query(False, description="Only tickets that missed a target"),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=DB_INT_MAX),
    agent: AgentView = Depends(current_agent),
    state: AppState = Depends(app_state),
) -> List[TicketOut]:
    where = _filter(state, agent, status, assignee, category, urgency, tier, breached)
    now = state.now()
    try:
        found = state.records.find_tickets(where, now, limit, offset)
    except RecordsUnavailable as error:
        raise state.errors.database_unavailable() from error
    return [ticket_out(t.with_sla(state.facts, now)) for t in found]


@router.get(
    "/summary",
    response_model=TicketSummaryOut,
    responses=ERRORS,
    summary="Open tickets: how many, how many missed a target, yours, nobody's",
)
def summary(
    agent: AgentView = Depends(current_agent), state: AppState = Depends(app_state)
) -> TicketSummaryOut:
    try:
        counts = state.records.count_tickets(agent.id, state.now())
    except RecordsUnavailable as error:
        raise state.errors.database_unavailable() from error
    return TicketSummaryOut(
        open=counts.open, breached=counts.breached, mine=counts.mine, unassigned=counts.unassigned
    )


@router.get(
    "/{ref}",
    response_model=TicketDetailOut,
    responses=ERRORS,
    summary="One ticket: comments, the conversation it came from, what the bot collected",
)
async def get_ticket(
    ref: str = TICKET_REF, state: AppState = Depends(app_state)
) -> TicketDetailOut:
    ticket = await run_in_threadpool(_load, state, _ticket_id(state, ref))
    conversation = stored_conversation(ticket.context)
    if conversation is None and ticket.conversation_id:
        conversation = await _tracker_conversation(state, ticket.conversation_id)
    return TicketDetailOut(
        **ticket_fields(ticket.with_sla(state.facts, state.now())),
        conversation=conversation or [],
        details=ticket_details(ticket.context),
        customer_url=f"/console/customers/{ticket.customer_id}" if ticket.customer_id else None,
    )


async def _tracker_conversation(state: AppState, conversation_id: str) -> List[ConversationTurnOut]:
    """The chat as Rasa remembers it, for a ticket that kept no transcript; none
    when Rasa does not answer in time (the ticket is still worth reading)."""
    try:
        tracker = await asyncio.wait_for(
            state.rasa.tracker(conversation_id), TRACKER_TIMEOUT_SECONDS
        )
    except (RasaUnavailable, asyncio.TimeoutError):
        return []
    return [
        ConversationTurnOut(
            role=_TRACKER_ROLES[message.sender],
            author_name=message.metadata.get("agent_name") if message.sender == "agent" else None,
            text=message.text,
            at=message.timestamp,
        )
        for message in chat_messages((tracker or {}).get("events") or [])
        if message.sender in _TRACKER_ROLES and message.text.strip()
    ]


@router.patch(
    "/{ref}",
    response_model=TicketOut,
    responses={**ERRORS, 422: {"description": "Unknown status or agent"}},
    summary="Change a ticket's status, or who has it (any agent may take or assign one)",
)
def update_ticket(
    body: TicketUpdate, ref: str = TICKET_REF, state: AppState = Depends(app_state)
) -> TicketOut:
    ticket_id = _ticket_id(state, ref)
    try:
        ticket = None
        if "assignee_id" in body.__fields_set__:
            ticket = state.records.set_ticket_assignee(ticket_id, body.assignee_id)
        if body.status is not None:
            ticket = state.records.set_ticket_status(ticket_id, body.status)
        ticket = ticket or _load(state, ticket_id)
    except KeyError as error:
        raise state.errors.no_such_ticket(ref) from error
    except ValueError as error:
        raise _unprocessable(state, "ticket_no_such_agent") from error
    except RecordsUnavailable as error:
        raise state.errors.database_unavailable() from error
    return ticket_out(ticket.with_sla(state.facts, state.now()))


@router.post(
    "/{ref}/comments",
    response_model=TicketOut,
    status_code=201,
    responses=ERRORS,
    summary="Comment on a ticket (optionally internal)",
)
async def comment(
    body: CommentBody,
    ref: str = TICKET_REF,
    agent: AgentView = Depends(current_agent),
    state: AppState = Depends(app_state),
) -> TicketOut:
    """A public comment on a ticket opened in a chat is also said in that chat
    (its `chat_delivery` says whether it is there yet: the sweeper retries). The
    first public one is the ticket's first response."""
    try:
        ticket = await run_in_threadpool(
            state.records.add_ticket_comment,
            _ticket_id(state, ref),
            "agent",
            agent.name,
            body.text,
            body.internal,
            True,
        )
        if not body.internal:
            await state.email_ticket_reply(ticket.comments[-1].id)
            ticket = await run_in_threadpool(state.records.get_ticket, ticket.id) or ticket
        if any(c.chat_delivery == "pending" for c in ticket.comments):
            await state.delivery.deliver_ticket_replies(state.records)
            ticket = await run_in_threadpool(state.records.get_ticket, ticket.id) or ticket
        return ticket_out(ticket.with_sla(state.facts, state.now()))
    except KeyError as error:
        raise state.errors.no_such_ticket(ref) from error
    except RecordsUnavailable as error:
        raise state.errors.database_unavailable() from error


def _load(state: AppState, ticket_id: int) -> TicketView:
    try:
        ticket = state.records.get_ticket(ticket_id)
    except RecordsUnavailable as error:
        raise state.errors.database_unavailable() from error
    if ticket is None:
        raise state.errors.no_such_ticket(format_ticket_ref(ticket_id))  # "T-00042"
    return ticket
