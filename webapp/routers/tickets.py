"""Tickets for agents: list, read, change status, comment."""

from __future__ import annotations

from typing import List, Optional

from fastapi import APIRouter, Depends, Path, Query
from starlette.concurrency import run_in_threadpool

from helpdesk.agents import AgentView
from helpdesk.models import TICKET_STATUSES
from helpdesk.parsing import format_ticket_ref, parse_ticket_id
from helpdesk.records import RecordsUnavailable, TicketView
from webapp.agent_auth import current_agent
from webapp.agent_schemas import CommentBody, StatusBody, TicketOut
from webapp.agent_views import ticket_out
from webapp.bounds import DB_INT_MAX
from webapp.dependencies import AppState, app_state

router = APIRouter(prefix="/api/tickets", tags=["tickets"], dependencies=[Depends(current_agent)])
TICKET_REF = Path(..., max_length=20, description='The ticket number, as "T-00042" or "42"')
ERRORS = {
    401: {"description": "Not signed in, or the session expired"},
    404: {"description": "No such ticket"},
    503: {"description": "The database is not reachable"},
}


def _ticket_id(state: AppState, ref: str) -> int:
    ticket_id = parse_ticket_id(ref, allow_bare_number=True)
    if ticket_id is None:
        raise state.errors.not_a_ticket_number(ref)
    return ticket_id


@router.get(
    "",
    response_model=List[TicketOut],
    responses=ERRORS,
    summary="Tickets, most urgent and newest first",
)
def list_tickets(
    status: Optional[str] = Query(None, description=f"One of: {', '.join(TICKET_STATUSES)}"),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=DB_INT_MAX),
    state: AppState = Depends(app_state),
) -> List[TicketOut]:
    if status is not None and status not in TICKET_STATUSES:
        raise state.errors.unknown_ticket_status(TICKET_STATUSES)
    try:
        return [ticket_out(t) for t in state.records.find_tickets(status, limit, offset)]
    except RecordsUnavailable as error:
        raise state.errors.database_unavailable() from error


@router.get(
    "/{ref}", response_model=TicketOut, responses=ERRORS, summary="One ticket with its comments"
)
def get_ticket(ref: str = TICKET_REF, state: AppState = Depends(app_state)) -> TicketOut:
    return ticket_out(_load(state, _ticket_id(state, ref)))


@router.patch(
    "/{ref}",
    response_model=TicketOut,
    responses={**ERRORS, 422: {"description": "Unknown status"}},
    summary="Change a ticket's status",
)
def update_ticket(
    body: StatusBody, ref: str = TICKET_REF, state: AppState = Depends(app_state)
) -> TicketOut:
    try:
        return ticket_out(state.records.set_ticket_status(_ticket_id(state, ref), body.status))
    except KeyError as error:
        raise state.errors.no_such_ticket(ref) from error
    except RecordsUnavailable as error:
        raise state.errors.database_unavailable() from error


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
    (its `chat_delivery` says whether it is there yet: the sweeper retries)."""
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
        if any(c.chat_delivery == "pending" for c in ticket.comments):
            await state.delivery.deliver_ticket_replies(state.records)
            ticket = await run_in_threadpool(state.records.get_ticket, ticket.id) or ticket
        return ticket_out(ticket)
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
