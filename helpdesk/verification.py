"""Verifying an anonymous visitor by email address plus one of their order numbers."""

from __future__ import annotations

from typing import Optional

from helpdesk.identity import VerificationClaim
from helpdesk.records import CustomerRecords, CustomerView


def verify_customer(records: CustomerRecords, claim: VerificationClaim) -> Optional[CustomerView]:
    """The customer when the email and the order belong together, else None.

    Both look-ups always run, so an unknown email and a wrong pair cost the same
    and get the same answer: nobody can learn whether an address has an account.
    """
    customer = records.find_customer_by_email(claim.email) if claim.email else None
    order = records.get_order(claim.order_id) if claim.order_id else None
    if customer is None or order is None or order.customer_id != customer.id:
        return None
    return customer
