"""The agents' side of a handoff: the queue, and the state machine of one chat.

    waiting ──claim──▶ active ──resolve──▶ resolved (the customer is asked to rate)
       │                 │ ──hand back──▶ returned (the bot answers again)
       │                 └──convert────▶ converted (a ticket keeps everything)
       └── nobody claims in time / the customer leaves / support closes ──▶ converted

Every transition is one conditional UPDATE, so two agents clicking "claim" at once
cannot both win. Every change is also written as a `HandoffEvent`, which is what the
console streams. The desk decides what the customer must be told (`Notice`s) but
does not deliver it: the web app sends notices into the chat through Rasa.

What the customer is told is in the chat's language (stored with the handoff); what
agents read (the log, the refusals) in the console's. Both are catalogue texts
(`notices.*`, `desk.*`, see helpdesk/desk_texts.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Dict, Iterable, List, Optional

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from helpdesk.agents import AgentView
from helpdesk.company import CompanyFacts
from helpdesk.conversation_records import OPEN_HANDOFF_STATUSES
from helpdesk.db import Database
from helpdesk.desk_texts import DeskTexts, default_texts
from helpdesk.handoffs.events import EventView, add_event, event_query
from helpdesk.handoffs.to_ticket import ChatsBecomeTickets, TicketChoice
from helpdesk.handoffs.transfer import ChatsChangeHands
from helpdesk.handoffs.views import (
    HandoffConflict,
    HandoffDetail,
    HandoffNotFound,
    NotYourChat,
    Outcome,
    QueueEntry,
)
from helpdesk.models import Agent, Customer, Handoff, HandoffEvent
from helpdesk.notices import Notice
from helpdesk.records import CustomerRecords
from helpdesk.sql_records import unit_of_work

MAX_MESSAGE_LENGTH = 4000
MAX_NOTE_LENGTH = 8000
# Kinds of event the customer saw or wrote (the rest are for agents only).
CHAT_KINDS = ("customer_message", "agent_message")


class HandoffDesk(ChatsBecomeTickets, ChatsChangeHands):
    def __init__(
        self,
        db: Database,
        records: CustomerRecords,
        facts: CompanyFacts,
        claim_timeout: timedelta = timedelta(minutes=15),
        left_grace: timedelta = timedelta(minutes=2),
        texts: Optional[DeskTexts] = None,
        email_enabled: bool = False,
    ) -> None:
        self.db = db
        self.records = records
        self.facts = facts
        self.claim_timeout = claim_timeout
        self.left_grace = left_grace
        # The catalogue of the knowledge base `facts` came from (default: the
        # environment's).
        self.texts = default_texts(texts)
        # Whether Kefu sends email: only then is a customer promised an answer by it.
        self.email_enabled = email_enabled

    # ----- reading ---------------------------------------------------------------

    def queue(self, limit: int = 200) -> List[QueueEntry]:
        """Waiting and active chats: most urgent first (priority), then the longest
        waiting."""
        with unit_of_work(self.db) as session:
            rows = session.execute(
                select(Handoff)
                .options(
                    selectinload(Handoff.customer),
                    selectinload(Handoff.agent),
                    selectinload(Handoff.team),
                )
                .where(Handoff.status.in_(OPEN_HANDOFF_STATUSES))
                .order_by(Handoff.priority.desc(), Handoff.created_at, Handoff.id)
                .limit(limit)
            ).scalars().all()
            waits = _reply_waits(session, [row for row in rows if row.status == "active"])
            return [self._entry(row, waits.get(row.id)) for row in rows]

    def detail(self, handoff_id: int) -> HandoffDetail:
        with unit_of_work(self.db) as session:
            row = self._get(session, handoff_id)
            waits = _reply_waits(session, [row] if row.status == "active" else [])
            return HandoffDetail(
                entry=self._entry(row, waits.get(row.id)),
                transcript=list(row.transcript or []),
                collected=dict(row.collected or {}),
                events=event_query(
                    session, select(HandoffEvent).where(HandoffEvent.handoff_id == row.id)
                ),
            )

    def events_after(
        self, after_id: int, handoff_id: Optional[int] = None, limit: int = 500
    ) -> List[EventView]:
        """Events newer than the cursor `after_id`, oldest first."""
        query = select(HandoffEvent).where(HandoffEvent.id > after_id)
        if handoff_id is not None:
            query = query.where(HandoffEvent.handoff_id == handoff_id)
        with unit_of_work(self.db) as session:
            return event_query(session, query.limit(limit))

    def latest_event_id(self) -> int:
        with unit_of_work(self.db) as session:
            last = session.execute(
                select(HandoffEvent.id).order_by(HandoffEvent.id.desc()).limit(1)
            ).scalar_one_or_none()
            return int(last or 0)

    # ----- what agents do ---------------------------------------------------------

    def claim(self, handoff_id: int, agent: AgentView, now: datetime) -> Outcome:
        return self._take(handoff_id, agent, now, assigned_by=None)

    def assign(self, handoff_id: int, agent: AgentView, now: datetime) -> Outcome:
        """What `claim` does, on the agent's behalf (helpdesk/handoffs/assignment.py):
        the chat is marked as assigned automatically, so an agent who stays silent
        can have it taken back."""
        return self._take(handoff_id, agent, now, assigned_by="auto")

    def _take(
        self, handoff_id: int, agent: AgentView, now: datetime, assigned_by: Optional[str]
    ) -> Outcome:
        with unit_of_work(self.db) as session:
            changed = session.execute(
                update(Handoff)
                .where(Handoff.id == handoff_id, Handoff.status == "waiting")
                .values(status="active", agent_id=agent.id, claimed_at=now, assigned_by=assigned_by)
            ).rowcount
            row = self._get(session, handoff_id)
            if not changed:
                if row.status == "active" and row.agent_id == agent.id:
                    raise HandoffConflict(self.texts.say("desk.already_yours"))
                raise HandoffConflict(self._state_text(row))
            how = "desk.event_auto_assigned" if assigned_by else "desk.event_claimed"
            joined = self.texts.say(how, agent=agent.name)
            event = add_event(session, row.id, "claimed", now, agent.name, joined)
            notice = Notice(
                text=self.texts.say("notices.agent_joined", row.language, agent=agent.name),
                metadata={
                    "sender": "system",
                    "agent_name": agent.name,
                    "handoff": {"status": "active", "agent_name": agent.name},
                },
            )
            return Outcome(self._entry(row), [notice], event)

    def check_can_write(self, handoff_id: int, agent: AgentView) -> QueueEntry:
        """The chat, if `agent` holds it; raises otherwise. Called before a reply is
        delivered, so nothing reaches the customer from someone not holding it."""
        with unit_of_work(self.db) as session:
            row = self._get(session, handoff_id)
            self._require_holder(row, agent)
            return self._entry(row)

    def reply_notice(self, agent: AgentView, text: str, handoff_id: int) -> Notice:
        return Notice(
            text=text,
            metadata={"sender": "agent", "agent_name": agent.name, "handoff_id": handoff_id},
        )

    def record_reply(
        self, handoff_id: int, agent: AgentView, text: str, now: datetime
    ) -> EventView:
        with unit_of_work(self.db) as session:
            return add_event(session, handoff_id, "agent_message", now, agent.name, text)

    def add_note(self, handoff_id: int, agent: AgentView, text: str, now: datetime) -> EventView:
        """An internal note: any signed-in agent may add one, the customer never
        sees it."""
        with unit_of_work(self.db) as session:
            row = self._get(session, handoff_id)
            return add_event(session, row.id, "note", now, agent.name, text, internal=True)

    def resolve(self, handoff_id: int, agent: AgentView, now: datetime) -> Outcome:
        with unit_of_work(self.db) as session:
            row = self._close(session, handoff_id, agent, "resolved", now)
            resolved = self.texts.say("desk.event_resolved", agent=agent.name)
            event = add_event(session, row.id, "resolved", now, agent.name, resolved)
            notice = Notice(
                text=self.texts.say("notices.resolved", row.language, agent=agent.name),
                metadata={"sender": "system", "handoff": {"status": "resolved"}},
                resume_bot=True,
                ask_rating=True,
            )
            return Outcome(self._entry(row), [notice], event)

    def hand_back(self, handoff_id: int, agent: AgentView, now: datetime) -> Outcome:
        with unit_of_work(self.db) as session:
            row = self._close(session, handoff_id, agent, "returned", now)
            returned = self.texts.say("desk.event_returned", agent=agent.name)
            event = add_event(session, row.id, "returned", now, agent.name, returned)
            notice = Notice(
                text=self.texts.say(
                    "notices.handed_back", row.language, agent=agent.name, company=self.facts.name
                ),
                metadata={"sender": "system", "handoff": {"status": "returned"}},
                resume_bot=True,
            )
            return Outcome(self._entry(row), [notice], event)

    def convert_to_ticket(
        self,
        handoff_id: int,
        agent: AgentView,
        now: datetime,
        choice: Optional[TicketChoice] = None,
    ) -> Outcome:
        """`choice`: the category and subject the agent picked (checked before the
        chat closes, `check_choice`); None keeps the chat's own guess."""
        if choice is not None:
            self.check_choice(choice)
        with unit_of_work(self.db) as session:
            row = self._close(session, handoff_id, agent, "converted", now)
        why = self.texts.say("desk.why_agent_converted", agent=agent.name)
        return self._open_ticket_for(row.id, now, agent.name, why=why, cause="agent", choice=choice)


    # ----- internals -------------------------------------------------------------

    def _close(
        self, session: Session, handoff_id: int, agent: AgentView, status: str, now: datetime
    ) -> Handoff:
        changed = session.execute(
            update(Handoff)
            .where(
                Handoff.id == handoff_id, Handoff.status == "active", Handoff.agent_id == agent.id
            )
            .values(status=status, closed_at=now)
        ).rowcount
        row = self._get(session, handoff_id)
        if not changed:
            self._require_holder(row, agent)
            raise HandoffConflict(self._state_text(row))
        return row

    def _require_holder(self, row: Handoff, agent: AgentView) -> None:
        if row.status == "waiting":
            raise HandoffConflict(self.texts.say("desk.claim_first"))
        if row.status != "active":
            raise HandoffConflict(self._state_text(row))
        if row.agent_id != agent.id:
            raise NotYourChat(
                self.texts.say("desk.held_by", agent=row.agent.name)
                if row.agent
                else self.texts.say("desk.held_by_someone")
            )

    def _state_text(self, row: Handoff) -> str:
        """Why the chat cannot be changed now, as the agent reads it."""
        if row.status == "active":
            if row.agent:
                return self.texts.say("desk.state_active", agent=row.agent.name)
            return self.texts.say("desk.state_active_someone")
        key = f"desk.state_{row.status}"
        if row.status in ("waiting", "resolved", "returned", "converted"):
            return self.texts.say(key)
        return self.texts.say("desk.state_other", status=row.status)

    def _get(self, session: Session, handoff_id: int) -> Handoff:
        row = session.get(Handoff, handoff_id, populate_existing=True)
        if row is None:
            raise HandoffNotFound(self.texts.say("desk.no_such_chat", handoff_id=handoff_id))
        return row

    def _rank_reasons(self, row: Handoff, tier_key: str) -> List[str]:
        """Why the chat ranks where it does, from what its priority was made of
        (helpdesk/priority.py): a tier above the lowest, an urgency above normal,
        a customer upset enough to add to it."""
        lowest = min(t.priority_weight for t in self.facts.tiers.values())
        reasons = []
        if self.facts.tier(tier_key).priority_weight > lowest:
            reasons.append(tier_key)
        urgency = (row.collected or {}).get("ticket_urgency")
        if self.facts.urgency_weight(urgency) > self.facts.urgency_weight("normal"):
            reasons.append("urgent")
        if round(2 * max(0.0, min(1.0, row.sentiment or 0.0))) >= 1:
            reasons.append("upset")
        return reasons

    def _entry(self, row: Handoff, customer_waiting_since: Optional[datetime] = None) -> QueueEntry:
        customer: Optional[Customer] = row.customer
        tier = self.facts.tier(customer.tier if customer else None)
        agent: Optional[Agent] = row.agent
        return QueueEntry(
            id=row.id,
            conversation_id=row.conversation_id,
            status=row.status,
            reason=row.reason,
            reason_text=row.reason_detail or self.texts.reason(row.reason),
            priority=row.priority,
            created_at=row.created_at,
            claimed_at=row.claimed_at,
            closed_at=row.closed_at,
            pickup_due=row.created_at + timedelta(minutes=tier.chat_pickup_minutes),
            customer_id=row.customer_id,
            customer_name=customer.name if customer else None,
            tier=tier.key,
            identity_verified=row.identity_method is not None,
            identity_method=row.identity_method,
            agent_id=row.agent_id,
            agent_name=agent.name if agent else None,
            customer_left_at=row.customer_left_at,
            ticket_id=row.ticket_id,
            sentiment=row.sentiment,
            language=self.texts.language(row.language),
            team_key=row.team.key if row.team else None,
            team_name=row.team.name if row.team else None,
            converts_at=self.converts_at(row),
            rank_reasons=tuple(self._rank_reasons(row, tier.key)),
            customer_waiting_since=customer_waiting_since,
        )



def _reply_waits(session: Session, rows: Iterable[Handoff]) -> Dict[int, datetime]:
    """For active chats: since when the customer has waited for the agent's
    reply. That is their first message after the agent last wrote; or, while the
    agent has not written at all, the claim (the customer was told someone joined).
    A chat whose last word is the agent's is not in the answer."""
    claimed = {row.id: row.claimed_at for row in rows}
    if not claimed:
        return {}
    pending: Dict[int, Optional[datetime]] = {handoff_id: None for handoff_id in claimed}
    agent_wrote: Dict[int, bool] = {}
    for handoff_id, kind, at in session.execute(
        select(HandoffEvent.handoff_id, HandoffEvent.kind, HandoffEvent.created_at)
        .where(HandoffEvent.handoff_id.in_(claimed), HandoffEvent.kind.in_(CHAT_KINDS))
        .order_by(HandoffEvent.id)
    ).all():
        if kind == "agent_message":
            pending[handoff_id] = None
            agent_wrote[handoff_id] = True
        elif pending[handoff_id] is None:
            pending[handoff_id] = at
    waits = {}
    for handoff_id, since in pending.items():
        since = since or (None if agent_wrote.get(handoff_id) else claimed[handoff_id])
        if since is not None:
            waits[handoff_id] = since
    return waits
