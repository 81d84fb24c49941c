"""The demo page's "sign in as a demo customer" switch.

Mounted only in demo mode: it signs a `customer_token` for any customer, which is
exactly what a real website must never let a visitor do. A real website signs the
token on its server for the customer who is logged in (see README).
"""

from __future__ import annotations

from datetime import timedelta
from typing import List

from fastapi import APIRouter, Depends

from helpdesk.identity import issue_customer_token
from webapp.dependencies import AppState, app_state
from webapp.schemas import DemoCustomer, DemoToken, DemoTokenRequest

# A database that is down is answered 503 by webapp/error_handlers.py.
router = APIRouter(
    prefix="/api/demo",
    tags=["demo"],
    responses={503: {"description": "The database is not reachable"}},
)
TOKEN_LIFETIME = timedelta(hours=8)


@router.get("/customers", response_model=List[DemoCustomer], summary="Customers to sign in as")
def demo_customers(state: AppState = Depends(app_state)) -> List[DemoCustomer]:
    return [
        DemoCustomer(customer_id=c.id, name=c.name, tier=c.tier, email=c.email)
        for c in state.records.search_customers(limit=100)
    ]


@router.post(
    "/token",
    response_model=DemoToken,
    summary="Sign a customer_token for a demo customer",
    responses={404: {"description": "No such customer"}},
)
def demo_token(body: DemoTokenRequest, state: AppState = Depends(app_state)) -> DemoToken:
    customer = state.records.get_customer(body.customer_id)
    if customer is None:
        raise state.errors.no_such_customer()
    token = issue_customer_token(customer.id, state.settings.customer_token_secret, TOKEN_LIFETIME)
    return DemoToken(
        customer_id=customer.id,
        name=customer.name,
        customer_token=token,
        expires_in=int(TOKEN_LIFETIME.total_seconds()),
    )
