"""Whether an agent can take a chat now: the status they chose (online, away,
offline), turned to away when their console has seen no activity for a while, and
to offline when they sign out. Automatic assignment gives chats only to agents
who are online, up to each one's capacity; other agents see everyone's status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import List, Optional

from sqlalchemy import func, select, update

from helpdesk.db import Database
from helpdesk.desk_texts import account_refusal
from helpdesk.models import Agent, Handoff
from helpdesk.sql_records import unit_of_work

ONLINE, AWAY, OFFLINE = "online", "away", "offline"
STATUSES = (ONLINE, AWAY, OFFLINE)
ADMIN, AGENT = "admin", "agent"


class PresenceError(ValueError):
    """A status or capacity that does not exist."""


@dataclass(frozen=True)
class PresenceView:
    agent_id: int
    name: str
    email: str
    role: str
    status: str  # as others see it now (online turns away when idle)
    active_chats: int
    capacity: int


def effective_status(row: Agent, now: datetime, away_after: timedelta) -> str:
    """The stored status, except that an online agent whose console has been idle
    for `away_after` counts as away (a forgotten tab does not take chats)."""
    status = row.status if row.status in STATUSES else OFFLINE
    if not row.active:
        return OFFLINE
    if status == ONLINE and (row.last_active_at is None or row.last_active_at + away_after <= now):
        return AWAY
    return status


class AgentPresence:
    def __init__(
        self, db: Database, away_after: timedelta = timedelta(minutes=5), default_capacity: int = 3
    ) -> None:
        self.db = db
        self.away_after = away_after
        self.default_capacity = default_capacity

    def set_status(self, agent_id: int, status: str, now: datetime) -> str:
        if status not in STATUSES:
            raise PresenceError(account_refusal("status_invalid", status=status, statuses=', '.join(STATUSES)))
        values = {"status": status}
        if status == ONLINE:  # choosing "online" is activity
            values["last_active_at"] = now
        with unit_of_work(self.db) as session:
            session.execute(update(Agent).where(Agent.id == agent_id).values(**values))
        return status

    def seen_active(self, agent_id: int, now: datetime) -> None:
        """The console saw the agent do something (a key, a click, a focused tab)."""
        with unit_of_work(self.db) as session:
            session.execute(update(Agent).where(Agent.id == agent_id).values(last_active_at=now))

    def set_capacity(self, email: str, capacity: int) -> None:
        if not 0 <= capacity <= 50:
            raise PresenceError(account_refusal("capacity_invalid"))
        with unit_of_work(self.db) as session:
            if not session.execute(
                update(Agent).where(Agent.email == email.strip().lower()).values(capacity=capacity)
            ).rowcount:
                raise PresenceError(account_refusal("no_such_agent", email=email))

    def set_role(self, email: str, role: str) -> None:
        if role not in (ADMIN, AGENT):
            raise PresenceError(account_refusal("role_invalid", role=role))
        with unit_of_work(self.db) as session:
            if not session.execute(
                update(Agent).where(Agent.email == email.strip().lower()).values(role=role)
            ).rowcount:
                raise PresenceError(account_refusal("no_such_agent", email=email))

    def everyone(self, now: datetime) -> List[PresenceView]:
        """Every active agent with the status others see and how busy they are."""
        with unit_of_work(self.db) as session:
            busy = dict(
                session.execute(
                    select(Handoff.agent_id, func.count())
                    .where(Handoff.status == "active", Handoff.agent_id.isnot(None))
                    .group_by(Handoff.agent_id)
                ).all()
            )
            rows = session.execute(
                select(Agent).where(Agent.active.is_(True)).order_by(Agent.name)
            ).scalars()
            return [self._view(row, now, int(busy.get(row.id, 0))) for row in rows]

    def capacity_of(self, row: Agent) -> int:
        return self.default_capacity if row.capacity is None else int(row.capacity)

    def _view(self, row: Agent, now: datetime, active: int) -> PresenceView:
        return PresenceView(
            row.id,
            row.name,
            row.email,
            role_of(row),
            effective_status(row, now, self.away_after),
            active,
            self.capacity_of(row),
        )


def role_of(row: Optional[Agent]) -> str:
    return ADMIN if row is not None and row.role == ADMIN else AGENT
