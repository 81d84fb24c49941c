"""Who the customer is: signed website tokens and email + order verification.

A logged-in customer's website signs an HS256 JWT whose `sub` is the customer id; an
anonymous visitor proves who they are with their email address and one of their order
numbers. Both rules live here, away from Rasa, so they are tested on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional

import jwt

from helpdesk.parsing import parse_email, parse_order_id

TOKEN_ALGORITHM = "HS256"
TOKEN_ISSUER_LEEWAY = timedelta(seconds=30)


@dataclass(frozen=True)
class TokenCheck:
    """The result of checking a `customer_token`: a customer id, or why not."""

    customer_id: Optional[str]
    problem: Optional[str] = None  # "expired" | "invalid" | None

    @property
    def ok(self) -> bool:
        return self.customer_id is not None


def issue_customer_token(customer_id: str, secret: str, ttl: timedelta = timedelta(hours=8)) -> str:
    """Signs a token the way a company's website does for its logged-in customer."""
    now = datetime.now(timezone.utc)
    claims = {"sub": customer_id, "iat": now, "exp": now + ttl}
    return jwt.encode(claims, secret, algorithm=TOKEN_ALGORITHM)


def check_customer_token(token: object, secret: str) -> TokenCheck:
    """Verifies signature, algorithm and expiry; never raises on bad input."""
    if not isinstance(token, str) or not token.strip() or len(token) > 4096:
        return TokenCheck(None, "invalid")
    try:
        claims = jwt.decode(
            token.strip(),
            secret,
            algorithms=[TOKEN_ALGORITHM],
            options={"require": ["sub", "exp"]},
            leeway=TOKEN_ISSUER_LEEWAY,
        )
    except jwt.ExpiredSignatureError:
        return TokenCheck(None, "expired")
    except jwt.PyJWTError:
        return TokenCheck(None, "invalid")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject.strip():
        return TokenCheck(None, "invalid")
    return TokenCheck(subject.strip())


@dataclass(frozen=True)
class VerificationClaim:
    """What an anonymous visitor typed to prove who they are."""

    email: Optional[str]
    order_id: Optional[str]

    @classmethod
    def from_text(cls, email_text: str, order_text: str) -> VerificationClaim:
        return cls(parse_email(email_text or ""), parse_order_id(order_text or ""))
