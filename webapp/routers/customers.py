"""Customer records for agents: search, and one customer with orders, tickets and
ratings."""

from __future__ import annotations

from typing import List, Optional

from fastapi import APIRouter, Depends, Path, Query

from helpdesk.customer_profile import build_profile
from helpdesk.records import RecordsUnavailable
from webapp.agent_auth import current_agent
from webapp.agent_schemas import CustomerOut, CustomerRecordOut
from webapp.agent_views import customer_record_out
from webapp.dependencies import AppState, app_state

router = APIRouter(
    prefix="/api/customers", tags=["customers"], dependencies=[Depends(current_agent)]
)


@router.get(
    "", response_model=List[CustomerOut], summary="Customers whose id, name or email contains q"
)
def search(
    q: str = Query("", max_length=200),
    limit: int = Query(50, ge=1, le=200),
    state: AppState = Depends(app_state),
) -> List[CustomerOut]:
    try:
        found = state.records.search_customers(q, limit)
    except RecordsUnavailable as error:
        raise state.errors.database_unavailable() from error
    return [
        CustomerOut(
            id=c.id, name=c.name, email=c.email, phone=c.phone, tier=c.tier, created_at=c.created_at
        )
        for c in found
    ]


@router.get(
    "/{customer_id}",
    response_model=CustomerRecordOut,
    responses={
        404: {"description": "No such customer"},
        401: {"description": "Not signed in"},
        503: {"description": "The database is not reachable"},
    },
    summary="A customer with orders, tickets, ratings, lifetime value and churn risk",
)
def customer(
    customer_id: str = Path(..., max_length=32),
    language: Optional[str] = Query(
        None, max_length=16, description='The language of the churn reasons ("en", "zh")'
    ),
    state: AppState = Depends(app_state),
) -> CustomerRecordOut:
    try:
        profile = build_profile(
            state.records, state.conversations, customer_id, state.now(), language, state.texts
        )
    except RecordsUnavailable as error:
        raise state.errors.database_unavailable() from error
    if profile is None:
        raise state.errors.no_such_customer()
    record = customer_record_out(profile)
    assert record is not None
    return record
