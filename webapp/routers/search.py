"""The console's search box: tickets, chats and customers holding every word of
the query (helpdesk/search.py)."""

from __future__ import annotations

from typing import List

from fastapi import APIRouter, Depends, Query
from starlette.concurrency import run_in_threadpool

from helpdesk.agents import AgentView
from helpdesk.records import RecordsUnavailable
from helpdesk.search import MAX_QUERY_CHARS, Search
from webapp.agent_auth import current_agent
from webapp.agent_schemas import SearchHitOut
from webapp.dependencies import AppState, app_state

router = APIRouter(prefix="/api", tags=["search"])


@router.get(
    "/search",
    response_model=List[SearchHitOut],
    summary="Tickets, chats and customers holding every word of q",
    responses={503: {"description": "The database is not reachable"}},
)
async def search(
    q: str = Query(..., max_length=MAX_QUERY_CHARS),
    limit: int = Query(20, ge=1, le=100),
    agent: AgentView = Depends(current_agent),
    state: AppState = Depends(app_state),
) -> List[SearchHitOut]:
    try:
        hits = await run_in_threadpool(Search(state.db).find, q, limit)
    except RecordsUnavailable:
        raise state.errors.database_unavailable() from None
    return [
        SearchHitOut(kind=h.kind, ref=h.ref, title=h.title, snippet=h.snippet, at=h.at)
        for h in hits
    ]
