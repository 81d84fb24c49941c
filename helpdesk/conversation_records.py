"""What Kefu itself keeps about conversations: handoffs to people, ratings and
FAQ feedback. These always live in Kefu's database, whatever CRM holds customers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional

from sqlalchemy import func, select

from helpdesk.db import Database
from helpdesk.models import ConversationRating, FaqFeedback, Handoff
from helpdesk.sql_records import unit_of_work

OPEN_HANDOFF_STATUSES = ("waiting", "active")


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


class ConversationRecords:
    def __init__(self, db: Database) -> None:
        self.db = db

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
                collected=handoff.collected,
                ticket_id=handoff.ticket_id,
            )
            session.add(row)
            session.flush()
            position = 0
            if row.status == "waiting":
                # Agents take the most urgent chat first, then the longest waiting.
                position = session.execute(
                    select(func.count(Handoff.id)).where(
                        Handoff.status == "waiting",
                        (Handoff.priority > row.priority)
                        | ((Handoff.priority == row.priority) & (Handoff.id <= row.id)),
                    )
                ).scalar_one()
            return HandoffView(
                id=row.id,
                conversation_id=row.conversation_id,
                status=row.status,
                reason=row.reason,
                priority=row.priority,
                created_at=row.created_at,
                queue_position=int(position),
                ticket_id=row.ticket_id,
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

    def record_rating(
        self,
        conversation_id: str,
        rating: int,
        comment: Optional[str],
        customer_id: Optional[str],
    ) -> None:
        if not 1 <= rating <= 5:
            raise ValueError("a rating is a whole number from 1 to 5")
        with unit_of_work(self.db) as session:
            session.add(
                ConversationRating(
                    conversation_id=conversation_id,
                    customer_id=customer_id,
                    rating=rating,
                    comment=(comment or None),
                )
            )

    def has_rating(self, conversation_id: str) -> bool:
        with unit_of_work(self.db) as session:
            return (
                session.execute(
                    select(ConversationRating.id)
                    .where(ConversationRating.conversation_id == conversation_id)
                    .limit(1)
                ).first()
                is not None
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
