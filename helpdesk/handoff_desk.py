"""The agents' side of a handoff: the queue, and the state machine of one chat.

    waiting ──claim──▶ active ──resolve──▶ resolved (the customer is asked to rate)
       │                 │ ──hand back──▶ returned (the bot answers again)
       │                 └──convert────▶ converted (a ticket keeps everything)
       └── nobody claims in time / the customer leaves / support closes ──▶ converted

Every transition is one conditional UPDATE, so two agents clicking "claim" at once
cannot both win. Every change is also written as a `HandoffEvent`, which is what the
console streams. The desk decides what the customer must be told (`Notice`s) but
does not deliver it: the web app sends notices into the chat through Rasa.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import List, Optional, Tuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from helpdesk.agents import AgentView
from helpdesk.company import CompanyFacts
from helpdesk.conversation_records import OPEN_HANDOFF_STATUSES
from helpdesk.db import Database
from helpdesk.handoff_events import (
    NEXT_IN_LINE,
    NEXT_IN_LINE_NOTE,
    EventView,
    add_event,
    event_query,
)
from helpdesk.handoff_reasons import REASONS
from helpdesk.handoff_tickets import ChatsBecomeTickets
from helpdesk.handoff_views import (
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


class HandoffDesk(ChatsBecomeTickets):
    def __init__(
        self,
        db: Database,
        records: CustomerRecords,
        facts: CompanyFacts,
        claim_timeout: timedelta = timedelta(minutes=15),
        left_grace: timedelta = timedelta(minutes=2),
    ) -> None:
        self.db = db
        self.records = records
        self.facts = facts
        self.claim_timeout = claim_timeout
        self.left_grace = left_grace

    # ----- reading ---------------------------------------------------------------

    def queue(self, limit: int = 200) -> List[QueueEntry]:
        """Waiting and active chats: most urgent first (priority), then the longest
        waiting."""
        with unit_of_work(self.db) as session:
            rows = session.execute(
                select(Handoff)
                .options(selectinload(Handoff.customer), selectinload(Handoff.agent))
                .where(Handoff.status.in_(OPEN_HANDOFF_STATUSES))
                .order_by(Handoff.priority.desc(), Handoff.created_at, Handoff.id)
                .limit(limit)
            ).scalars()
            return [self._entry(row) for row in rows]

    def detail(self, handoff_id: int) -> HandoffDetail:
        with unit_of_work(self.db) as session:
            row = self._get(session, handoff_id)
            return HandoffDetail(
                entry=self._entry(row),
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
        with unit_of_work(self.db) as session:
            changed = session.execute(
                update(Handoff)
                .where(Handoff.id == handoff_id, Handoff.status == "waiting")
                .values(status="active", agent_id=agent.id, claimed_at=now)
            ).rowcount
            row = self._get(session, handoff_id)
            if not changed:
                if row.status == "active" and row.agent_id == agent.id:
                    raise HandoffConflict("You already hold this chat.")
                raise HandoffConflict(self._state_text(row))
            event = add_event(
                session, row.id, "claimed", now, agent.name, f"{agent.name} joined the chat."
            )
            notice = Notice(
                text=f"{agent.name} from our support team has joined the chat.",
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
            event = add_event(
                session, row.id, "resolved", now, agent.name, f"{agent.name} resolved the chat."
            )
            notice = Notice(
                text=f"{agent.name} has marked this chat as resolved. Thank you for "
                "talking to us! If anything else comes up, just write here.",
                metadata={"sender": "system", "handoff": {"status": "resolved"}},
                resume_bot=True,
                ask_rating=True,
            )
            return Outcome(self._entry(row), [notice], event)

    def hand_back(self, handoff_id: int, agent: AgentView, now: datetime) -> Outcome:
        with unit_of_work(self.db) as session:
            row = self._close(session, handoff_id, agent, "returned", now)
            event = add_event(
                session,
                row.id,
                "returned",
                now,
                agent.name,
                f"{agent.name} handed the chat back to the assistant.",
            )
            notice = Notice(
                text=f"{agent.name} has left the chat and handed you back to the "
                f'{self.facts.name} assistant. Ask me anything, or say "talk to a person" '
                "if you need the team again.",
                metadata={"sender": "system", "handoff": {"status": "returned"}},
                resume_bot=True,
            )
            return Outcome(self._entry(row), [notice], event)

    def convert_to_ticket(self, handoff_id: int, agent: AgentView, now: datetime) -> Outcome:
        with unit_of_work(self.db) as session:
            row = self._close(session, handoff_id, agent, "converted", now)
        return self._open_ticket_for(
            row.id, now, agent.name, why=f"{agent.name} turned the chat into a ticket."
        )

    def announce_next_in_line(self, now: datetime) -> Optional[Tuple[str, Notice]]:
        """After a chat leaves the queue: the customer now at its head, if they have
        not been told yet, and what to tell them (their conversation id, notice)."""
        with unit_of_work(self.db) as session:
            head = session.execute(
                select(Handoff)
                .where(Handoff.status == "waiting")
                .order_by(Handoff.priority.desc(), Handoff.created_at, Handoff.id)
                .limit(1)
            ).scalar_one_or_none()
            if head is None or _was_told_next(session, head.id):
                return None
            add_event(session, head.id, NEXT_IN_LINE, now, None, NEXT_IN_LINE_NOTE)
            return head.conversation_id, Notice(
                text="Good news: you're next in the queue. A person from our team will "
                "join this chat shortly.",
                metadata={
                    "sender": "system",
                    "handoff": {"status": "waiting", "queue_position": 1},
                },
            )

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
            raise HandoffConflict("Nobody holds this chat yet: claim it first.")
        if row.status != "active":
            raise HandoffConflict(self._state_text(row))
        if row.agent_id != agent.id:
            raise NotYourChat(
                f"{row.agent.name if row.agent else 'Another agent'} holds this chat."
            )

    @staticmethod
    def _state_text(row: Handoff) -> str:
        holder = row.agent.name if row.agent else "another agent"
        return {
            "waiting": "The chat is waiting to be claimed.",
            "active": f"{holder} already holds this chat.",
            "resolved": "The chat was already resolved.",
            "returned": "The chat was already handed back to the assistant.",
            "converted": "The chat was already turned into a ticket.",
        }.get(row.status, f"The chat is {row.status}.")

    @staticmethod
    def _get(session: Session, handoff_id: int) -> Handoff:
        row = session.get(Handoff, handoff_id, populate_existing=True)
        if row is None:
            raise HandoffNotFound(f"There is no chat with id {handoff_id}.")
        return row

    def _entry(self, row: Handoff) -> QueueEntry:
        customer: Optional[Customer] = row.customer
        tier = self.facts.tier(customer.tier if customer else None)
        agent: Optional[Agent] = row.agent
        return QueueEntry(
            id=row.id,
            conversation_id=row.conversation_id,
            status=row.status,
            reason=row.reason,
            reason_text=row.reason_detail or REASONS.get(row.reason, row.reason),
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
        )


def _was_told_next(session: Session, handoff_id: int) -> bool:
    return (
        session.execute(
            select(HandoffEvent.id)
            .where(HandoffEvent.handoff_id == handoff_id, HandoffEvent.kind == NEXT_IN_LINE)
            .limit(1)
        ).first()
        is not None
    )
