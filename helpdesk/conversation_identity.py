"""Who is speaking in a conversation, decided afresh for every message.

Two things prove it, and nothing else does: the website's signed `customer_token`
on the message itself, or an email + order verification that Kefu recorded against
the conversation in its own database. The conversation's slots only repeat the
answer for the dialogue: a tracker sent with made-up `customer_id` slots, a token
that was removed, expired or swapped, all end in "not verified" here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional, Tuple

from helpdesk.db import Database
from helpdesk.identity import check_customer_token
from helpdesk.models import ConversationIdentity
from helpdesk.records import CustomerRecords, CustomerView
from helpdesk.sql_records import unit_of_work

TOKEN, VERIFICATION = "token", "verification"


@dataclass(frozen=True)
class Identity:
    customer: CustomerView
    method: str  # "token" (signed in on the website) | "verification" (email + order)


@dataclass(frozen=True)
class Binding:
    customer_id: str
    method: str
    verified_at: datetime


class ConversationIdentities:
    """The verifications Kefu recorded, one per conversation at most."""

    def __init__(self, db: Database, lifetime: timedelta = timedelta(hours=12)) -> None:
        self.db = db
        self.lifetime = lifetime

    def binding(self, conversation_id: str, now: datetime) -> Optional[Binding]:
        """The conversation's verification, unless it has expired."""
        with unit_of_work(self.db) as session:
            row = session.get(ConversationIdentity, conversation_id)
            if row is None or row.verified_at + self.lifetime <= now:
                return None
            return Binding(row.customer_id, row.method, row.verified_at)

    def bind(self, conversation_id: str, customer_id: str, method: str, now: datetime) -> None:
        """Records that the conversation proved to be `customer_id` (a newer proof
        replaces an older one)."""
        with unit_of_work(self.db) as session:
            row = session.get(ConversationIdentity, conversation_id)
            if row is None:
                session.add(
                    ConversationIdentity(
                        conversation_id=conversation_id,
                        customer_id=customer_id,
                        method=method,
                        verified_at=now,
                    )
                )
            else:
                row.customer_id, row.method, row.verified_at = customer_id, method, now


def identify(
    conversation_id: str,
    token: object,
    records: CustomerRecords,
    identities: ConversationIdentities,
    token_secret: str,
    now: datetime,
) -> Tuple[Optional[Identity], Optional[str]]:
    """The customer this message comes from, if proved, and a problem with the
    website token ("expired" or "invalid") worth telling the customer about.

    A valid token wins: it says who is signed in on the website right now. Without
    one, a verification recorded for this conversation counts; a token that was
    seen earlier in the conversation does not."""
    problem = None
    if token:
        check = check_customer_token(token, token_secret)
        if check.ok:
            customer = records.get_customer(check.customer_id)  # type: ignore[arg-type]
            if customer is not None:
                return Identity(customer, TOKEN), None
            problem = "invalid"
        else:
            problem = check.problem
    bound = identities.binding(conversation_id, now)
    if bound is not None:
        customer = records.get_customer(bound.customer_id)
        if customer is not None:
            return Identity(customer, bound.method), problem
    return None, problem
