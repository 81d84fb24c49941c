"""Giving waiting chats to agents without anyone picking them, and taking them back
from an agent who does not answer.

Every pass (the web app's sweeper runs one every few seconds):
1. A waiting chat without a team is routed by the rules (helpdesk/handoffs/teams.py).
2. In queue order (Premier and urgent chats first, then the longest waiting), each
   waiting chat goes to an online agent of its team (any online agent when it has
   none) who holds fewer chats than their capacity: the least busy, and among
   equally busy ones the one who got a chat longest ago (round-robin).
3. A chat assigned automatically whose agent has written nothing in it for
   `silent_after` goes back to the queue (to the front: its wait counts from when
   it first came), the agent is set to away so it does not come straight back, the
   console's feed carries an event every agent (and the supervisor) sees, and the
   customer is told.

Manual claims still work alongside; the conditional update in the desk means an
agent's click and the assigner never both win.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Dict, List, Optional, Set

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from helpdesk.agent_presence import AWAY, ONLINE, AgentPresence, effective_status
from helpdesk.agents import AgentView
from helpdesk.handoffs.desk import HandoffDesk
from helpdesk.handoffs.events import add_event
from helpdesk.handoffs.teams import Teams, route
from helpdesk.handoffs.transfer import BY_TRANSFER
from helpdesk.handoffs.views import HandoffConflict, Outcome
from helpdesk.models import Agent, Handoff, HandoffEvent, TeamMember
from helpdesk.notices import Notice
from helpdesk.sql_records import unit_of_work

REQUEUED = "requeued"


@dataclass
class _Candidate:
    view: AgentView
    teams: Set[int]
    active: int
    capacity: int
    last_assigned_at: Optional[datetime]


@dataclass
class Assigner:
    desk: HandoffDesk
    teams: Teams
    presence: AgentPresence
    silent_after: timedelta = timedelta(minutes=3)

    def run(self, now: datetime) -> List[Outcome]:
        """One pass: take back silent chats, then assign what waits."""
        return self.requeue_silent(now) + self.assign_waiting(now)

    def assign_waiting(self, now: datetime) -> List[Outcome]:
        waiting = self._route_waiting()
        if not waiting:
            return []
        candidates = self._online_agents(now)
        outcomes = []
        for handoff_id, team_id in waiting:
            free = [
                c
                for c in candidates
                if c.active < c.capacity and (team_id is None or team_id in c.teams)
            ]
            if not free:
                continue
            chosen = min(free, key=self._turn)
            try:
                outcomes.append(self.desk.assign(handoff_id, chosen.view, now))
            except HandoffConflict:  # claimed by hand meanwhile, or gone
                continue
            chosen.active += 1
            chosen.last_assigned_at = now
            with unit_of_work(self.desk.db) as session:
                session.execute(
                    update(Agent).where(Agent.id == chosen.view.id).values(last_assigned_at=now)
                )
        return outcomes

    def requeue_silent(self, now: datetime) -> List[Outcome]:
        due = now - self.silent_after
        outcomes = []
        with unit_of_work(self.desk.db) as session:
            assigned = session.execute(
                select(Handoff.id, Handoff.agent_id, Handoff.claimed_at).where(
                    Handoff.status == "active",
                    Handoff.assigned_by.in_(("auto", BY_TRANSFER)),
                    Handoff.claimed_at <= due,
                )
            ).all()
            silent = [
                (handoff_id, agent_id, claimed_at)
                for handoff_id, agent_id, claimed_at in assigned
                if not _agent_wrote_since(session, handoff_id, claimed_at)
            ]
        for handoff_id, agent_id, claimed_at in silent:
            outcome = self._requeue(handoff_id, agent_id, claimed_at, now)
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    # ----- helpers ----------------------------------------------------------------

    def _route_waiting(self) -> List[tuple]:
        """The waiting chats in queue order as (id, team id), routing those that
        have no team yet (rules may have changed since the chat arrived)."""
        rules = self.teams.rules()
        with unit_of_work(self.desk.db) as session:
            rows = (
                session.execute(
                    select(Handoff)
                    .options(selectinload(Handoff.customer))
                    .where(Handoff.status == "waiting")
                    .order_by(Handoff.priority.desc(), Handoff.created_at, Handoff.id)
                )
                .scalars()
                .all()
            )
            waiting = []
            for row in rows:
                route(session, row, rules)
                waiting.append((row.id, row.team_id))
            return waiting

    def _online_agents(self, now: datetime) -> List[_Candidate]:
        with unit_of_work(self.desk.db) as session:
            agents = session.execute(select(Agent).where(Agent.active.is_(True))).scalars().all()
            online = [
                a for a in agents if effective_status(a, now, self.presence.away_after) == ONLINE
            ]
            if not online:
                return []
            ids = [a.id for a in online]
            memberships: Dict[int, Set[int]] = {}
            for team_id, agent_id in session.execute(
                select(TeamMember.team_id, TeamMember.agent_id).where(TeamMember.agent_id.in_(ids))
            ).all():
                memberships.setdefault(agent_id, set()).add(team_id)
            busy: Dict[int, int] = {}
            for (agent_id,) in session.execute(
                select(Handoff.agent_id).where(
                    Handoff.status == "active", Handoff.agent_id.in_(ids)
                )
            ).all():
                busy[agent_id] = busy.get(agent_id, 0) + 1
            return [
                _Candidate(
                    AgentView(a.id, a.email, a.name),
                    memberships.get(a.id, set()),
                    busy.get(a.id, 0),
                    self.presence.capacity_of(a),
                    a.last_assigned_at,
                )
                for a in online
            ]

    def _turn(self, candidate: _Candidate) -> tuple:
        """Least busy first; then whoever waited longest for a chat; then by id."""
        last = candidate.last_assigned_at
        return (candidate.active, last.timestamp() if last else float("-inf"), candidate.view.id)

    def _requeue(
        self, handoff_id: int, agent_id: int, claimed_at: datetime, now: datetime
    ) -> Optional[Outcome]:
        desk = self.desk
        with unit_of_work(desk.db) as session:
            moved = session.execute(
                update(Handoff)
                .where(
                    Handoff.id == handoff_id,
                    Handoff.status == "active",
                    Handoff.agent_id == agent_id,
                    Handoff.claimed_at == claimed_at,
                )
                .values(status="waiting", agent_id=None, claimed_at=None, assigned_by=None)
            ).rowcount
            if not moved:
                return None
            agent = session.get(Agent, agent_id)
            session.execute(update(Agent).where(Agent.id == agent_id).values(status=AWAY))
            row = desk._get(session, handoff_id)
            minutes = max(1, round(self.silent_after.total_seconds() / 60))
            text = desk.texts.say("desk.event_requeued", agent=agent.name, minutes=minutes)
            event = add_event(session, row.id, REQUEUED, now, agent.name, text)
            notice = Notice(
                text=desk.texts.say("notices.agent_requeued", row.language, agent=agent.name),
                metadata={"sender": "system", "handoff": {"status": "waiting"}},
            )
            return Outcome(desk._entry(row), [notice], event)


def _agent_wrote_since(session, handoff_id: int, since: datetime) -> bool:  # type: ignore[no-untyped-def]
    return (
        session.execute(
            select(HandoffEvent.id)
            .where(
                HandoffEvent.handoff_id == handoff_id,
                HandoffEvent.kind == "agent_message",
                HandoffEvent.created_at >= since,
            )
            .limit(1)
        ).scalar_one_or_none()
        is not None
    )
