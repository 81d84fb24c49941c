"""Support agents: accounts, password checks and console sessions.

Passwords are stored as scrypt hashes (standard library, memory-hard, one random
salt each). A session is a random token handed to the browser in a cookie; only its
SHA-256 is stored, and it stops working when it expires or the agent signs out.

Guessing is limited by helpdesk/attempts.py, which records every try before it is
judged, so a burst of simultaneous tries cannot race the count. Failures count
per (email, client address): five free, then 15 minutes, doubling with each
further failure; so a stranger elsewhere cannot lock an agent out. And per client
address over all emails: twenty free per quarter of an hour, so nobody sprays
passwords over many accounts. An unknown email goes through exactly the same
steps (the same limits, a scrypt check against a dummy hash, the same answers),
so the login form does not tell a stranger who is an agent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Dict, Optional

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from helpdesk.agent_presence import AGENT, role_of
from helpdesk.attempts import AttemptLimiter, AttemptPolicy, TooManyAttempts
from helpdesk.db import Database
from helpdesk.desk_texts import account_refusal
from helpdesk.models import Agent, AgentSession
from helpdesk.parsing import parse_email
from helpdesk.sql_records import unit_of_work

MIN_PASSWORD_LENGTH = 10
MAX_FAILED_LOGINS = 5  # per (email, client address)
MAX_FAILED_LOGINS_PER_CLIENT = 20  # per client address, over all emails
LOCKOUT = timedelta(minutes=15)
PER_ACCOUNT, PER_CLIENT = "agent_login", "agent_login_client"
# scrypt cost: ~50 ms and 16 MiB per check on a small server.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


class AgentError(ValueError):
    """An agent account cannot be created as asked (message says why)."""


class LoginFailed(Exception):
    """Wrong email or password; deliberately does not say which."""


class LoginLocked(Exception):
    """Too many failed tries from this client (for this email, or for any);
    `until` says when the next try will be judged."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"locked until {until.isoformat()}")
        self.until = until


@dataclass(frozen=True)
class AgentView:
    id: int
    email: str
    name: str
    role: str = AGENT  # or ADMIN: who may change agents, teams, routing, canned replies


@dataclass(frozen=True)
class SignedIn:
    agent: AgentView
    token: str
    expires_at: datetime


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
    return "$".join(
        ["scrypt", str(_SCRYPT_N), str(_SCRYPT_R), str(_SCRYPT_P), _b64(salt), _b64(digest)]
    )


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = _scrypt(password, _unb64(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, _unb64(digest))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _view(row: Agent) -> AgentView:
    return AgentView(id=row.id, email=row.email, name=row.name, role=role_of(row))


def login_policies() -> Dict[str, AttemptPolicy]:
    """Per (email, client): 5 free failures, then 15 minutes, 30, 60... up to a day.
    Per client over all emails: 20 free failures within a quarter of an hour, then
    15 minutes (the ceiling equals the first delay, so it does not grow: a busy
    office behind one address is slowed down, never shut out for a day)."""
    return {
        PER_ACCOUNT: AttemptPolicy(free_failures=MAX_FAILED_LOGINS, first_delay=LOCKOUT),
        PER_CLIENT: AttemptPolicy(
            free_failures=MAX_FAILED_LOGINS_PER_CLIENT, first_delay=LOCKOUT, max_delay=LOCKOUT
        ),
    }


def _account_key(email: str, client: Optional[str], password_hash: Optional[str]) -> str:
    """The per-(email, client) key. It includes the agent's current password hash
    (empty for an unknown email), so a new password set by the admin starts every
    address's count afresh: the failures against the old one no longer count. The
    key is stored only as a SHA-256 (helpdesk/attempts.py)."""
    return "\n".join((email, client or "", password_hash or ""))


class AgentAccounts:
    def __init__(self, db: Database, session_hours: float = 10.0) -> None:
        self.db = db
        self.session_length = timedelta(hours=session_hours)
        self.limiter = AttemptLimiter(db, login_policies())

    def create_agent(self, email: str, name: str, password: str) -> AgentView:
        address = parse_email(email or "")
        if address is None or address != (email or "").strip().lower():
            raise AgentError(account_refusal("email_invalid", email=email))
        name = " ".join((name or "").split())
        if not name or len(name) > 200:
            raise AgentError(account_refusal("name_missing"))
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AgentError(account_refusal("password_short", min=MIN_PASSWORD_LENGTH))
        try:
            with unit_of_work(self.db) as session:
                row = Agent(email=address, name=name, password_hash=hash_password(password))
                session.add(row)
                session.flush()
                return _view(row)
        except IntegrityError as error:
            raise AgentError(account_refusal("agent_exists", email=address)) from error

    def set_password(self, email: str, password: str) -> AgentView:
        """Also lifts the agent's sign-in locks: the failures counted against the
        old password stop counting (see `_account_key`), from every address."""
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AgentError(account_refusal("password_short", min=MIN_PASSWORD_LENGTH))
        with unit_of_work(self.db) as session:
            row = self._by_email(session, email)
            if row is None:
                raise AgentError(account_refusal("no_such_agent", email=email))
            row.password_hash = hash_password(password)
            # Whoever knew the old password must not stay signed in.
            session.execute(delete(AgentSession).where(AgentSession.agent_id == row.id))
            return _view(row)

    def deactivate(self, email: str) -> AgentView:
        """For someone who left: they can no longer sign in and are signed out now;
        their name stays on the chats and notes they wrote."""
        with unit_of_work(self.db) as session:
            row = self._by_email(session, email)
            if row is None:
                raise AgentError(account_refusal("no_such_agent", email=email))
            row.active = False
            session.execute(delete(AgentSession).where(AgentSession.agent_id == row.id))
            return _view(row)

    def find(self, email: str) -> Optional[AgentView]:
        with unit_of_work(self.db) as session:
            row = self._by_email(session, email)
            return _view(row) if row else None

    def sign_in(
        self, email: str, password: str, now: datetime, client: Optional[str] = None
    ) -> SignedIn:
        """A new session, or `LoginFailed` / `LoginLocked`. `client` is the caller's
        address (None for tools on this machine: then only the per-email count
        applies). A locked try checks no password at all, known email or not, so a
        burst costs at most the free tries' scrypt work."""
        address = (email or "").strip().lower()
        with unit_of_work(self.db) as session:
            row = self._by_email(session, address)
            agent = _view(row) if row is not None and row.active else None
            stored = row.password_hash if agent is not None else None
        try:
            attempt = self.limiter.begin(
                {PER_ACCOUNT: _account_key(address, client, stored), PER_CLIENT: client}, now
            )
        except TooManyAttempts as locked:
            raise LoginLocked(locked.until) from None
        # The dummy hash gives an unknown email the same scrypt work as a real check.
        matches = verify_password(password, stored or _DUMMY_HASH)
        signed_in = (
            self._open_session(agent.id, stored, now) if matches and agent is not None else None
        )
        if signed_in is None:
            self.limiter.failed(attempt)
            raise LoginFailed()
        self.limiter.succeeded(attempt)
        return signed_in

    def _open_session(
        self, agent_id: int, password_hash: Optional[str], now: datetime
    ) -> Optional[SignedIn]:
        """The session, unless the agent was removed or got a new password while
        the password was being checked."""
        with unit_of_work(self.db) as session:
            row = session.get(Agent, agent_id)
            if row is None or not row.active or row.password_hash != password_hash:
                return None
            token = secrets.token_urlsafe(32)
            expires = now + self.session_length
            session.add(
                AgentSession(token_hash=token_hash(token), agent_id=row.id, expires_at=expires)
            )
            session.execute(delete(AgentSession).where(AgentSession.expires_at < now))
            return SignedIn(agent=_view(row), token=token, expires_at=expires)

    def agent_for_token(self, token: str, now: datetime) -> Optional[AgentView]:
        """The signed-in agent, or None for an unknown, expired or revoked token."""
        if not token or len(token) > 200:
            return None
        with unit_of_work(self.db) as session:
            row = session.get(AgentSession, token_hash(token))
            if row is None or row.expires_at <= now or not row.agent.active:
                return None
            return _view(row.agent)

    def sign_out(self, token: str) -> None:
        with unit_of_work(self.db) as session:
            session.execute(
                delete(AgentSession).where(AgentSession.token_hash == token_hash(token))
            )

    @staticmethod
    def _by_email(session, email: str) -> Optional[Agent]:  # type: ignore[no-untyped-def]
        address = (email or "").strip().lower()
        return session.execute(select(Agent).where(Agent.email == address)).scalar_one_or_none()


_DUMMY_HASH = hash_password(secrets.token_hex(8))
