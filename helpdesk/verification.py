"""Verifying an anonymous visitor by email address plus one of their order numbers.

A pair that matches is recorded against the conversation (helpdesk/
conversation_identity.py). Guessing is limited across conversations: every try
counts against the email address and against the client it came from
(helpdesk/attempts.py), with delays that double after a few failures. A locked
email or client gets exactly what a wrong pair gets, after the same work, so a
stranger cannot tell "locked" from "wrong" or learn whether an address has an
account.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Dict, Optional

from helpdesk.attempts import AttemptLimiter, AttemptPolicy, TooManyAttempts
from helpdesk.conversation_identity import VERIFICATION, ConversationIdentities
from helpdesk.identity import VerificationClaim
from helpdesk.records import CustomerRecords, CustomerView

PER_EMAIL, PER_CLIENT = "verify_email", "verify_client"


def verification_policies(per_email: int = 3, per_client: int = 10) -> Dict[str, AttemptPolicy]:
    """Free failures per email address and per client, then 1, 2, 4... minutes
    of lock after each further failure, up to a day."""
    return {
        PER_EMAIL: AttemptPolicy(free_failures=per_email, first_delay=timedelta(minutes=1)),
        PER_CLIENT: AttemptPolicy(free_failures=per_client, first_delay=timedelta(minutes=1)),
    }


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


class Verifier:
    def __init__(
        self,
        records: CustomerRecords,
        identities: ConversationIdentities,
        limiter: AttemptLimiter,
    ) -> None:
        self.records = records
        self.identities = identities
        self.limiter = limiter

    def verify(
        self,
        conversation_id: str,
        claim: VerificationClaim,
        client: Optional[str],
        now: datetime,
    ) -> Optional[CustomerView]:
        """The verified customer (now recorded for the conversation), or None for a
        wrong pair and for a locked email or client alike."""
        try:
            attempt = self.limiter.begin({PER_EMAIL: claim.email, PER_CLIENT: client}, now)
        except TooManyAttempts:
            verify_customer(self.records, claim)  # the same work as a real check
            return None
        customer = verify_customer(self.records, claim)
        if customer is None:
            self.limiter.failed(attempt)
            return None
        self.limiter.succeeded(attempt)
        self.identities.bind(conversation_id, customer.id, VERIFICATION, now)
        return customer
