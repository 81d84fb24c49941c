"""The admin's API, behind the console's Admin view: agents (create, role, capacity,
deactivate), teams (create, members) and routing rules (add, remove, list in the
order they are tried). Every route refuses anyone but an admin (403). The changes
are the service core's, the same functions `./kefu create-agent`, `./kefu team`,
`./kefu route`, `./kefu agent-role` and `./kefu agent-capacity` call; their
refusals (an email that is not one, a team that exists) come back as 422 with the
reason in `detail`."""

from __future__ import annotations

from typing import List

from fastapi import APIRouter, Depends, HTTPException, Path, Response
from starlette.concurrency import run_in_threadpool

from helpdesk.agent_presence import PresenceError, PresenceView
from helpdesk.agents import AgentError, AgentView
from helpdesk.handoffs.teams import RuleView, TeamError, Teams, TeamView
from helpdesk.records import RecordsUnavailable
from webapp.admin_schemas import (
    AdminAgentOut,
    AdminTeamOut,
    AgentChange,
    AgentCreate,
    RuleCreate,
    RuleOut,
    TeamCreate,
)
from webapp.agent_auth import current_admin
from webapp.bounds import DB_INT_MAX
from webapp.dependencies import AppState, app_state

router = APIRouter(prefix="/api/admin", tags=["admin"], dependencies=[Depends(current_admin)])

EMAIL = Path(..., max_length=320, description="The agent's email")
TEAM_KEY = Path(..., max_length=40, description="The team's key")
RULE_ID = Path(..., ge=1, le=DB_INT_MAX, description="The rule's id")
ERRORS = {
    401: {"description": "Not signed in, or the session expired"},
    403: {"description": "Not an admin"},
    422: {"description": "The change cannot be made as asked (the detail says why)"},
    503: {"description": "The database is not reachable"},
}
_REFUSALS = (AgentError, TeamError, PresenceError)


async def _call(state: AppState, function, *args):  # type: ignore[no-untyped-def]
    try:
        return await run_in_threadpool(function, *args)
    except RecordsUnavailable:
        raise state.errors.database_unavailable() from None
    except _REFUSALS as error:
        raise HTTPException(status_code=422, detail=str(error)) from None


def _agent_out(view: PresenceView) -> AdminAgentOut:
    return AdminAgentOut(
        id=view.agent_id,
        email=view.email,
        name=view.name,
        role=view.role,
        status=view.status,
        active_chats=view.active_chats,
        capacity=view.capacity,
    )


def _team_out(view: TeamView) -> AdminTeamOut:
    return AdminTeamOut(id=view.id, key=view.key, name=view.name, members=list(view.members))


def _rule_out(view: RuleView) -> RuleOut:
    return RuleOut(
        id=view.id,
        position=view.position,
        team_key=view.team_key,
        reason=view.reason,
        category=view.category,
        tier=view.tier,
        language=view.language,
    )


# ----- agents ---------------------------------------------------------------------------


@router.get("/agents", response_model=List[AdminAgentOut], responses=ERRORS, summary="Agents")
async def agents(state: AppState = Depends(app_state)) -> List[AdminAgentOut]:
    return [_agent_out(v) for v in await _call(state, state.presence.everyone, state.now())]


async def _one_agent(state: AppState, email: str) -> AdminAgentOut:
    """The agent as the list shows them; a deactivated one is not there any more."""
    everyone = await _call(state, state.presence.everyone, state.now())
    found = [_agent_out(v) for v in everyone if v.email == email.strip().lower()]
    if not found:
        raise HTTPException(status_code=404, detail=state.errors.say("no_such_agent", email=email))
    return found[0]


@router.post(
    "/agents",
    response_model=AdminAgentOut,
    status_code=201,
    responses=ERRORS,
    summary="Create an agent who can sign in to the console",
)
async def create_agent(body: AgentCreate, state: AppState = Depends(app_state)) -> AdminAgentOut:
    made = await _call(state, state.accounts.create_agent, body.email, body.name, body.password)
    return await _one_agent(state, made.email)


def _change_agent(state: AppState, admin: AgentView, email: str, change: AgentChange) -> None:
    """Capacity (which may be refused), then role (one of two, checked by the schema),
    so a refusal changes nothing. An admin cannot take away their own role here: the
    last admin would lock everyone out of this view (another admin, or `./kefu
    agent-role`, can)."""
    if state.accounts.find(email) is None:
        raise AgentError(state.errors.say("no_such_agent", email=email))
    mine = email.strip().lower() == admin.email
    if change.role is not None and mine and change.role != admin.role:
        raise AgentError(state.errors.say("not_yourself"))
    if change.capacity is not None:
        state.presence.set_capacity(email, change.capacity)
    if change.role is not None:
        state.presence.set_role(email, change.role)


@router.patch(
    "/agents/{email}",
    response_model=AdminAgentOut,
    responses=ERRORS,
    summary="Change an agent's role or capacity",
)
async def change_agent(
    change: AgentChange,
    email: str = EMAIL,
    admin: AgentView = Depends(current_admin),
    state: AppState = Depends(app_state),
) -> AdminAgentOut:
    await _call(state, _change_agent, state, admin, email, change)
    return await _one_agent(state, email)


def _deactivate(state: AppState, admin: AgentView, email: str) -> None:
    if email.strip().lower() == admin.email:
        raise AgentError(state.errors.say("not_yourself"))
    state.accounts.deactivate(email)


@router.delete(
    "/agents/{email}",
    status_code=204,
    responses=ERRORS,
    summary="Stop an agent signing in (signs them out; their chats keep their name)",
)
async def deactivate_agent(
    email: str = EMAIL,
    admin: AgentView = Depends(current_admin),
    state: AppState = Depends(app_state),
) -> Response:
    await _call(state, _deactivate, state, admin, email)
    return Response(status_code=204)


# ----- teams -----------------------------------------------------------------------------


@router.get("/teams", response_model=List[AdminTeamOut], responses=ERRORS, summary="Teams")
async def teams(state: AppState = Depends(app_state)) -> List[AdminTeamOut]:
    return [_team_out(v) for v in await _call(state, Teams(state.db).all)]


@router.post(
    "/teams", response_model=AdminTeamOut, status_code=201, responses=ERRORS, summary="New team"
)
async def create_team(body: TeamCreate, state: AppState = Depends(app_state)) -> AdminTeamOut:
    return _team_out(await _call(state, Teams(state.db).create, body.key, body.name))


@router.put(
    "/teams/{team_key}/members/{email}",
    response_model=AdminTeamOut,
    responses=ERRORS,
    summary="Add an agent to a team",
)
async def add_member(
    team_key: str = TEAM_KEY, email: str = EMAIL, state: AppState = Depends(app_state)
) -> AdminTeamOut:
    return _team_out(await _call(state, Teams(state.db).add_member, team_key, email))


@router.delete(
    "/teams/{team_key}/members/{email}",
    response_model=AdminTeamOut,
    responses=ERRORS,
    summary="Take an agent out of a team",
)
async def remove_member(
    team_key: str = TEAM_KEY, email: str = EMAIL, state: AppState = Depends(app_state)
) -> AdminTeamOut:
    return _team_out(await _call(state, Teams(state.db).remove_member, team_key, email))


# ----- routing rules ------------------------------------------------------------------------


@router.get(
    "/routing-rules",
    response_model=List[RuleOut],
    responses=ERRORS,
    summary="The routing rules in the order they are tried",
)
async def rules(state: AppState = Depends(app_state)) -> List[RuleOut]:
    return [_rule_out(v) for v in await _call(state, Teams(state.db).rules)]


@router.post(
    "/routing-rules",
    response_model=RuleOut,
    status_code=201,
    responses=ERRORS,
    summary="Add a rule, tried after the existing ones",
)
async def add_rule(body: RuleCreate, state: AppState = Depends(app_state)) -> RuleOut:
    made = await _call(
        state,
        Teams(state.db).add_rule,
        body.team,
        body.reason,
        body.category,
        body.tier,
        body.language,
    )
    return _rule_out(made)


@router.delete(
    "/routing-rules/{rule_id}", status_code=204, responses=ERRORS, summary="Remove a rule"
)
async def remove_rule(rule_id: int = RULE_ID, state: AppState = Depends(app_state)) -> Response:
    await _call(state, Teams(state.db).remove_rule, rule_id)
    return Response(status_code=204)
