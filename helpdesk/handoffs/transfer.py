"""Passing a chat on: the agent holding it gives it to another agent (who holds it
at once) or to a team (it goes back to the queue, routed to that team, and the
assigner gives it to one of its online agents). A note says why; agents read it
in the chat's log, the customer never does. The customer is told who takes over.

Part of the handoff desk (`HandoffDesk` mixes this in), like `to_ticket`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import select, update

from helpdesk.agents import AgentView
from helpdesk.handoffs.events import add_event
from helpdesk.handoffs.views import HandoffConflict, Outcome
from helpdesk.models import Agent, Handoff, Team
from helpdesk.notices import Notice
from helpdesk.sql_records import unit_of_work

TRANSFERRED = "transferred"
# Set on a chat passed to an agent: like an automatic assignment, it goes back to
# the queue if that agent stays silent (helpdesk/handoffs/assignment.py).
BY_TRANSFER = "transfer"


class ChatsChangeHands:
    """Needs the desk's `db`, `texts`, `_get()`, `_entry()` and `_require_holder()`."""

    def transfer_to_agent(
        self, handoff_id: int, agent: AgentView, target_email: str, note: str, now: datetime
    ) -> Outcome:
        with unit_of_work(self.db) as session:
            row = self._get(session, handoff_id)
            self._require_holder(row, agent)
            target = session.execute(
                select(Agent).where(
                    Agent.email == (target_email or "").strip().lower(), Agent.active.is_(True)
                )
            ).scalar_one_or_none()
            if target is None:
                raise HandoffConflict(self.texts.say("desk.no_such_agent", email=target_email))
            if target.id == agent.id:
                raise HandoffConflict(self.texts.say("desk.already_yours"))
            moved = session.execute(
                update(Handoff)
                .where(
                    Handoff.id == row.id, Handoff.status == "active", Handoff.agent_id == agent.id
                )
                .values(agent_id=target.id, claimed_at=now, assigned_by=BY_TRANSFER)
            ).rowcount
            if not moved:
                raise HandoffConflict(self._state_text(self._get(session, handoff_id)))
            row = self._get(session, handoff_id)
            return self._transferred(
                session, row, agent, now, note, target.name, "notices.transferred_to_agent"
            )

    def transfer_to_team(
        self, handoff_id: int, agent: AgentView, team_key: str, note: str, now: datetime
    ) -> Outcome:
        with unit_of_work(self.db) as session:
            row = self._get(session, handoff_id)
            self._require_holder(row, agent)
            team = session.execute(
                select(Team).where(Team.key == (team_key or "").strip().lower())
            ).scalar_one_or_none()
            if team is None:
                raise HandoffConflict(self.texts.say("desk.no_such_team", team=team_key))
            moved = session.execute(
                update(Handoff)
                .where(
                    Handoff.id == row.id, Handoff.status == "active", Handoff.agent_id == agent.id
                )
                .values(
                    status="waiting",
                    agent_id=None,
                    claimed_at=None,
                    assigned_by=None,
                    team_id=team.id,
                )
            ).rowcount
            if not moved:
                raise HandoffConflict(self._state_text(self._get(session, handoff_id)))
            row = self._get(session, handoff_id)
            return self._transferred(
                session, row, agent, now, note, team.name, "notices.transferred_to_team"
            )

    def _transferred(
        self,
        session,  # type: ignore[no-untyped-def]
        row: Handoff,
        agent: AgentView,
        now: datetime,
        note: Optional[str],
        to: str,
        notice_key: str,
    ) -> Outcome:
        note = " ".join((note or "").split())
        key = "desk.event_transferred_with_note" if note else "desk.event_transferred"
        text = self.texts.say(key, agent=agent.name, to=to, note=note)
        event = add_event(session, row.id, TRANSFERRED, now, agent.name, text, internal=True)
        handoff: dict = {"status": row.status}
        metadata: dict = {"sender": "system", "handoff": handoff}
        if row.status == "active":  # the widget shows whom the customer now talks to
            handoff["agent_name"] = metadata["agent_name"] = to
        notice = Notice(
            text=self.texts.say(notice_key, row.language, agent=agent.name, to=to),
            metadata=metadata,
        )
        return Outcome(self._entry(row), [notice], event)
