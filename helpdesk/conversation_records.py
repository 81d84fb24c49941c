"""What Kefu itself keeps about conversations: handoffs to people, ratings and
FAQ feedback. These always live in Kefu's database, whatever CRM holds customers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional

from sqlalchemy import func, select

from helpdesk.db import Database
from helpdesk.desk_texts import DeskTexts, default_texts
from helpdesk.handoffs.events import NEXT_IN_LINE, add_escalated_event, add_event
from helpdesk.handoffs.queue_position import estimate_due, typical_wait
from helpdesk.handoffs.teams import route
from helpdesk.models import ConversationRating, FaqFeedback, Handoff, HandoffEvent, utcnow
from helpdesk.sql_records import unit_of_work

OPEN_HANDOFF_STATUSES = ("waiting", "active")
MAX_CUSTOMER_MESSAGE = 4000


@dataclass(frozen=True)
class MessageRoute:
    """Who answers a customer's message: a person (`held_by_handoff` is the chat's
    handoff id) or the bot. `handed_off_before` tells the bot to make sure it is not
    still paused from a chat that ended."""

    held_by_handoff: Optional[int]
    handed_off_before: bool


@dataclass
class NewHandoff:
    conversation_id: str
    reason: str
    transcript: List[Dict[str, Any]]
    collected: Dict[str, Any]
    customer_id: Optional[str] = None
    identity_method: Optional[str] = None
    reason_detail: Optional[str] = None
    priority: int = 0
    sentiment: float = 0.0
    status: str = "waiting"
    ticket_id: Optional[int] = None
    created_at: Optional[datetime] = None  # default: now
    # The conversation's language: the desk's notices in this chat are in it.
    language: Optional[str] = None
    # An address the customer gave the bot, for answering by email if they leave.
    contact_email: Optional[str] = None


@dataclass(frozen=True)
class HandoffView:
    id: int
    conversation_id: str
    status: str
    reason: str
    priority: int
    created_at: datetime
    queue_position: int  # 1 = next to be picked up; 0 when not waiting
    ticket_id: Optional[int] = None
    # How long agents have recently taken to pick chats up (median), when known.
    typical_wait: Optional[timedelta] = None
    language: Optional[str] = None


class ConversationRecords:
    """`texts` words the chat's live log for agents (default: the environment's
    knowledge base)."""

    def __init__(self, db: Database, texts: Optional[DeskTexts] = None) -> None:
        self.db = db
        self._texts = texts

    @property
    def texts(self) -> DeskTexts:
        if self._texts is None:
            self._texts = default_texts(None)
        return self._texts

    def create_handoff(self, handoff: NewHandoff) -> HandoffView:
        with unit_of_work(self.db) as session:
            row = Handoff(
                conversation_id=handoff.conversation_id,
                customer_id=handoff.customer_id,
                identity_method=handoff.identity_method,
                reason=handoff.reason,
                reason_detail=handoff.reason_detail,
                status=handoff.status,
                priority=handoff.priority,
                sentiment=handoff.sentiment,
                transcript=handoff.transcript,
                transcript_text=transcript_text(handoff.transcript),
                collected=handoff.collected,
                ticket_id=handoff.ticket_id,
                created_at=handoff.created_at or utcnow(),
                language=handoff.language,
                contact_email=handoff.contact_email,
            )
            session.add(row)
            session.flush()
            route(session, row)
            position = 0
            if row.status == "waiting":
                reason = row.reason_detail or self.texts.reason(row.reason)
                add_escalated_event(
                    session,
                    row.id,
                    self.texts.say("desk.event_escalated", reason=reason),
                    row.created_at,
                )
                # Agents take the most urgent chat first, then the longest waiting.
                position = session.execute(
                    select(func.count(Handoff.id)).where(
                        Handoff.status == "waiting",
                        (Handoff.priority > row.priority)
                        | ((Handoff.priority == row.priority) & (Handoff.id <= row.id)),
                    )
                ).scalar_one()
                if position == 1:  # the escalation message says so
                    told = self.texts.say("desk.event_next_in_line")
                    add_event(session, row.id, NEXT_IN_LINE, row.created_at, None, told)
            # What the escalation message tells the customer, remembered so the queue
            # can tell them when it stops being true (helpdesk/handoffs/queue_position.py).
            wait = typical_wait(session, row.created_at) if position else None
            row.queue_told_position = int(position) or None
            row.queue_estimate_due = estimate_due(row.created_at, wait)
            return HandoffView(
                id=row.id,
                conversation_id=row.conversation_id,
                status=row.status,
                reason=row.reason,
                priority=row.priority,
                created_at=row.created_at,
                queue_position=int(position),
                ticket_id=row.ticket_id,
                typical_wait=wait,
                language=row.language,
            )

    def open_handoff_for(self, conversation_id: str) -> Optional[int]:
        """The id of the conversation's waiting or active handoff, if any."""
        with unit_of_work(self.db) as session:
            return session.execute(
                select(Handoff.id)
                .where(
                    Handoff.conversation_id == conversation_id,
                    Handoff.status.in_(OPEN_HANDOFF_STATUSES),
                )
                .order_by(Handoff.id.desc())
                .limit(1)
            ).scalar_one_or_none()

    def route_customer_message(
        self,
        conversation_id: str,
        text: str,
        now: datetime,
        client_message_id: Optional[str] = None,
    ) -> MessageRoute:
        """Keeps a message the customer wrote while their chat is with a person (or
        waiting for one) as a handoff event, which the console streams. A message
        with the widget's id that the handoff already holds is not kept again: the
        widget sent it once more because the Rasa process that kept it died before
        it saved the conversation (kefu_rasa/resent.py)."""
        with unit_of_work(self.db) as session:
            row = _latest_handoff(session, conversation_id)
            if row is None or row.status not in OPEN_HANDOFF_STATUSES:
                return MessageRoute(None, row is not None)
            if client_message_id and _holds_message(session, int(row.id), client_message_id):
                return MessageRoute(int(row.id), True)
            if row.customer_left_at is not None:
                row.customer_left_at = None
                back = self.texts.say("desk.event_customer_back")
                add_event(session, row.id, "customer_back", now, None, back)
            add_event(
                session,
                row.id,
                "customer_message",
                now,
                None,
                text[:MAX_CUSTOMER_MESSAGE],
                client_message_id=client_message_id,
            )
            return MessageRoute(int(row.id), True)

    def customer_presence(self, conversation_id: str, present: bool, now: datetime) -> None:
        """The customer's chat window connected or went away (only matters while a
        chat waits for or is with a person)."""
        with unit_of_work(self.db) as session:
            row = _latest_handoff(session, conversation_id)
            if row is None or row.status not in OPEN_HANDOFF_STATUSES:
                return
            if (row.customer_left_at is None) == present:
                return
            row.customer_left_at = None if present else now
            kind = "customer_back" if present else "customer_left"
            add_event(session, row.id, kind, now, None, self.texts.say(f"desk.event_{kind}"))

    def record_rating(
        self,
        conversation_id: str,
        rating: int,
        comment: Optional[str],
        customer_id: Optional[str],
    ) -> None:
        """Stores a rating; right after an agent resolved the chat it is about
        that agent's chat (linked to the handoff)."""
        if not 1 <= rating <= 5:
            raise ValueError("a rating is a whole number from 1 to 5")
        with unit_of_work(self.db) as session:
            session.add(
                ConversationRating(
                    conversation_id=conversation_id,
                    customer_id=customer_id,
                    handoff_id=self._resolved_handoff_awaiting_rating(session, conversation_id),
                    rating=rating,
                    comment=(comment or None),
                )
            )

    def has_rating(self, conversation_id: str) -> bool:
        """Whether the conversation was rated already, and no agent has resolved a
        chat in it since (which is worth a rating of its own)."""
        with unit_of_work(self.db) as session:
            if self._resolved_handoff_awaiting_rating(session, conversation_id) is not None:
                return False
            return (
                session.execute(
                    select(ConversationRating.id)
                    .where(ConversationRating.conversation_id == conversation_id)
                    .limit(1)
                ).first()
                is not None
            )

    @staticmethod
    def _resolved_handoff_awaiting_rating(session, conversation_id: str) -> Optional[int]:  # type: ignore[no-untyped-def]
        latest = session.execute(
            select(Handoff.id)
            .where(Handoff.conversation_id == conversation_id, Handoff.status == "resolved")
            .order_by(Handoff.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if latest is None:
            return None
        rated = session.execute(
            select(ConversationRating.id).where(ConversationRating.handoff_id == latest).limit(1)
        ).first()
        return None if rated else int(latest)

    def ratings_for_customer(self, customer_id: str, limit: int = 20) -> List[ConversationRating]:
        """The customer's earlier ratings, newest first (detached rows)."""
        with unit_of_work(self.db) as session:
            return list(
                session.execute(
                    select(ConversationRating)
                    .where(ConversationRating.customer_id == customer_id)
                    .order_by(ConversationRating.id.desc())
                    .limit(limit)
                ).scalars()
            )

    def record_faq_feedback(
        self, conversation_id: str, topic: str, question: Optional[str], helpful: bool
    ) -> None:
        with unit_of_work(self.db) as session:
            session.add(
                FaqFeedback(
                    conversation_id=conversation_id,
                    topic=topic,
                    question=question,
                    helpful=helpful,
                )
            )


def transcript_text(transcript: List[Dict[str, Any]]) -> str:
    """The turns' texts, one per line, for search."""
    return "\n".join(str(turn.get("text") or "") for turn in transcript or [])


def _latest_handoff(session, conversation_id: str) -> Optional[Handoff]:  # type: ignore[no-untyped-def]
    return session.execute(
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id)
        .order_by(Handoff.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _holds_message(session, handoff_id: int, client_message_id: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether the handoff already keeps the customer's message with this id."""
    return (
        session.execute(
            select(HandoffEvent.id)
            .where(
                HandoffEvent.handoff_id == handoff_id,
                HandoffEvent.kind == "customer_message",
                HandoffEvent.client_message_id == client_message_id,
            )
            .limit(1)
        ).first()
        is not None
    )
