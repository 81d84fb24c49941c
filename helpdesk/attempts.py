"""Limits on guessing: a customer's email + order verification, an agent's password.

A limit that lives in one conversation, or in one row that each request overwrites,
is no limit: a new chat starts from zero, and forty requests sent at once all read
"no failures yet". So every try is recorded first, as its own row, and only then
judged against the rows before it. Rows still being judged count as failures, so a
burst of simultaneous tries is cut off after the free ones, however it interleaves.

Each key (an email address, a client's address) gets a few free failures; after
that every further failure locks the key for a delay that doubles each time, up to
a ceiling. A success clears the key's count. Keys are stored as SHA-256 hashes: the
table says how often something was tried, not which addresses strangers typed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Dict, List, Mapping, Optional, Tuple

from sqlalchemy import delete, func, select, update

from helpdesk.db import Database
from helpdesk.models import Attempt
from helpdesk.sql_records import unit_of_work

PENDING, FAILURE, SUCCESS, REFUSED = "pending", "failure", "success", "refused"


@dataclass(frozen=True)
class AttemptPolicy:
    free_failures: int
    first_delay: timedelta
    max_delay: timedelta = timedelta(hours=24)

    def delay_after(self, failures: int) -> Optional[timedelta]:
        """How long a key stays locked after its latest failure, or None."""
        if failures < self.free_failures:
            return None
        doublings = min(failures - self.free_failures, 30)
        return min(self.first_delay * (2**doublings), self.max_delay)


class TooManyAttempts(Exception):
    """Locked for now; `until` says when the next try will be judged."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"locked until {until.isoformat()}")
        self.until = until


@dataclass(frozen=True)
class AttemptTicket:
    """The rows one try wrote, to be settled as a success or a failure."""

    row_ids: Tuple[int, ...]


def key_hash(scope: str, key: str) -> str:
    return hashlib.sha256(f"{scope}\0{key.strip().lower()}".encode()).hexdigest()


class AttemptLimiter:
    def __init__(self, db: Database, policies: Mapping[str, AttemptPolicy]) -> None:
        self.db = db
        self.policies = dict(policies)

    def begin(self, keys: Mapping[str, Optional[str]], now: datetime) -> AttemptTicket:
        """Records a try under every key given ({scope: key}; empty keys are
        skipped) and raises `TooManyAttempts` when any of them is locked."""
        wanted = {scope: key for scope, key in keys.items() if key}
        with unit_of_work(self.db) as session:
            for scope, key in wanted.items():  # rows too old to count any more
                session.execute(
                    delete(Attempt).where(
                        Attempt.scope == scope,
                        Attempt.key_hash == key_hash(scope, key),
                        Attempt.created_at < now - 2 * self.policies[scope].max_delay,
                    )
                )
            rows = [
                Attempt(scope=scope, key_hash=key_hash(scope, key), outcome=PENDING, created_at=now)
                for scope, key in wanted.items()
            ]
            session.add_all(rows)
            session.flush()
            ticket = AttemptTicket(tuple(row.id for row in rows))
            placed = [(row.id, row.scope, row.key_hash) for row in rows]
        # Judged after the commit, so every try sees each one committed before it.
        until = self._locked_until(placed, now)
        if until is not None:
            self._settle(ticket, REFUSED)
            raise TooManyAttempts(until)
        return ticket

    def succeeded(self, ticket: AttemptTicket) -> None:
        self._settle(ticket, SUCCESS)

    def failed(self, ticket: AttemptTicket) -> None:
        self._settle(ticket, FAILURE)

    def _locked_until(
        self, placed: List[Tuple[int, str, str]], now: datetime
    ) -> Optional[datetime]:
        latest: Optional[datetime] = None
        with unit_of_work(self.db) as session:
            for row_id, scope, hashed in placed:
                policy = self.policies[scope]
                earlier = (Attempt.scope == scope) & (Attempt.key_hash == hashed)
                last_success = session.execute(
                    select(func.max(Attempt.id)).where(earlier, Attempt.outcome == SUCCESS)
                ).scalar_one()
                counted = earlier & (Attempt.id < row_id) & Attempt.outcome.in_((PENDING, FAILURE))
                counted &= Attempt.created_at > now - policy.max_delay
                if last_success is not None:
                    counted &= Attempt.id > last_success
                failures, last_at = session.execute(
                    select(func.count(Attempt.id), func.max(Attempt.created_at)).where(counted)
                ).one()
                delay = policy.delay_after(int(failures))
                if delay is not None and last_at is not None and now < last_at + delay:
                    until = last_at + delay
                    latest = until if latest is None or until > latest else latest
        return latest

    def _settle(self, ticket: AttemptTicket, outcome: str) -> None:
        if not ticket.row_ids:
            return
        with unit_of_work(self.db) as session:
            session.execute(
                update(Attempt).where(Attempt.id.in_(ticket.row_ids)).values(outcome=outcome)
            )
            if outcome == SUCCESS:
                self._forget_before_success(session, ticket)

    @staticmethod
    def _forget_before_success(session, ticket: AttemptTicket) -> None:  # type: ignore[no-untyped-def]
        """Rows before a key's latest success no longer count: drop them."""
        keys: Dict[Tuple[str, str], int] = {
            (row.scope, row.key_hash): row.id
            for row in session.execute(
                select(Attempt).where(Attempt.id.in_(ticket.row_ids))
            ).scalars()
        }
        for (scope, hashed), row_id in keys.items():
            session.execute(
                delete(Attempt).where(
                    Attempt.scope == scope, Attempt.key_hash == hashed, Attempt.id < row_id
                )
            )
