"""What a waiting customer knows about their place in the queue, kept true.

When the bot queues a chat it tells the customer their place and how long agents
have lately taken to pick chats up (`typical_wait`, the one estimate Kefu makes;
helpdesk/conversation_records.py quotes it in the first notice). From then on the
queue moves: chats are claimed, assigned, turned into tickets, sent back, and a
Premier or urgent chat may jump ahead. After any such change, and on every pass of
the web app's sweeper, `QueuePositions.tell` compares each waiting customer's place
(priority desc, then the longest waiting, then id: the console's queue order) with
the place they were last told (`Handoff.queue_told_position`) and tells exactly
those whose place changed, forward or back. A customer whose quoted wait has run
out (`Handoff.queue_estimate_due`) hears, at most once per `update_every`, that it
is taking longer and where they stand. Everything is said in the chat's language.

Each row is changed with a conditional UPDATE on the value that was read, so two
web processes running the same pass never tell a customer the same thing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import List, Optional

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from helpdesk.db import Database
from helpdesk.desk_texts import DeskTexts, default_texts
from helpdesk.handoffs.events import NEXT_IN_LINE, add_event
from helpdesk.models import Handoff
from helpdesk.notices import Notice
from helpdesk.sql_records import unit_of_work

# The customer was told their new place in the queue (not the head: NEXT_IN_LINE).
QUEUE_POSITION = "queue_position"
# The customer was told the wait is longer than they were quoted.
QUEUE_LATE = "queue_late"
# How many recent pickups the estimate looks at, and how few make none.
WAIT_SAMPLE = 20
MIN_WAIT_SAMPLES = 3
DEFAULT_UPDATE_EVERY = timedelta(minutes=5)


def typical_wait(session: Session, now: datetime) -> Optional[timedelta]:
    """The median time from queue to claim over the last chats agents picked up in
    the past week; None until there are a few."""
    rows = session.execute(
        select(Handoff.created_at, Handoff.claimed_at)
        .where(Handoff.claimed_at.is_not(None), Handoff.created_at >= now - timedelta(days=7))
        .order_by(Handoff.claimed_at.desc())
        .limit(WAIT_SAMPLE)
    ).all()
    if len(rows) < MIN_WAIT_SAMPLES:
        return None
    return median(claimed - created for created, claimed in rows)


def quoted_minutes(wait: timedelta) -> int:
    """The whole minutes a customer is told ("within about 3 minutes")."""
    return max(1, round(wait.total_seconds() / 60))


def estimate_due(created_at: datetime, wait: Optional[timedelta]) -> Optional[datetime]:
    """When the wait quoted to a chat queued at `created_at` runs out."""
    if wait is None:
        return None
    return created_at + timedelta(minutes=quoted_minutes(wait))


def waiting_in_order(session: Session) -> List[Handoff]:
    """The waiting chats as agents take them: most urgent first, then the longest
    waiting (the queue's order, helpdesk/handoffs/desk.py)."""
    return list(
        session.execute(
            select(Handoff)
            .where(Handoff.status == "waiting")
            .order_by(Handoff.priority.desc(), Handoff.created_at, Handoff.id)
        ).scalars()
    )


@dataclass(frozen=True)
class QueueNotice:
    """Something to tell one waiting customer about their place."""

    handoff_id: int
    conversation_id: str
    notice: Notice


class QueuePositions:
    """`update_every`: how often, at most, a customer whose quoted wait has passed
    hears that it is taking longer."""

    def __init__(
        self,
        db: Database,
        texts: Optional[DeskTexts] = None,
        update_every: timedelta = DEFAULT_UPDATE_EVERY,
    ) -> None:
        self.db = db
        self.texts = default_texts(texts)
        self.update_every = update_every

    def tell(self, now: datetime) -> List[QueueNotice]:
        """What to tell which waiting customer now; what is returned is recorded as
        told (the caller delivers it)."""
        told: List[QueueNotice] = []
        with unit_of_work(self.db) as session:
            for index, row in enumerate(waiting_in_order(session)):
                position = index + 1
                notice = self._new_place(session, row, position, now)
                if notice is None:
                    notice = self._still_waiting(session, row, position, now)
                if notice is not None:
                    told.append(QueueNotice(row.id, row.conversation_id, notice))
        return told

    def _new_place(
        self, session: Session, row: Handoff, position: int, now: datetime
    ) -> Optional[Notice]:
        before = row.queue_told_position
        if before == position:
            return None
        values = {"queue_told_position": position}
        late = self._is_late(row, now)
        if late:  # the news of a new place is also the update on the wait
            values["queue_late_told_at"] = now
        if not self._claim_update(session, row, Handoff.queue_told_position, before, values):
            return None
        if position == 1:
            key, event_kind, event_key = "notices.queue_next", NEXT_IN_LINE, "desk.event_next_in_line"
        elif before is not None and position > before:
            key, event_kind, event_key = (
                "notices.queue_moved_back",
                QUEUE_POSITION,
                "desk.event_queue_moved_back",
            )
        else:
            key, event_kind, event_key = (
                "notices.queue_moved_up",
                QUEUE_POSITION,
                "desk.event_queue_position",
            )
        add_event(session, row.id, event_kind, now, None, self.texts.say(event_key, position=position))
        return self._notice(self.texts.say(key, row.language, position=position), position)

    def _still_waiting(
        self, session: Session, row: Handoff, position: int, now: datetime
    ) -> Optional[Notice]:
        if not self._is_late(row, now) or row.customer_left_at is not None:
            return None  # nobody reads a chat whose window is closed
        before = row.queue_late_told_at
        if before is not None and now - before < self.update_every:
            return None
        values = {"queue_late_told_at": now}
        if not self._claim_update(session, row, Handoff.queue_late_told_at, before, values):
            return None
        quoted = row.queue_estimate_due is not None
        key = "notices.queue_taking_longer" if quoted else "notices.queue_still_waiting"
        event = self.texts.say("desk.event_queue_late", position=position)
        add_event(session, row.id, QUEUE_LATE, now, None, event)
        return self._notice(self.texts.say(key, row.language, position=position), position)

    def _is_late(self, row: Handoff, now: datetime) -> bool:
        """The quoted wait has run out; a chat quoted none counts as late once it
        has waited `update_every`, so nobody waits in silence."""
        due = row.queue_estimate_due or row.created_at + self.update_every
        return now >= due

    @staticmethod
    def _claim_update(session: Session, row: Handoff, column, before, values) -> bool:  # type: ignore[no-untyped-def]
        """Writes `values` only if `column` still holds what this pass read."""
        same = column.is_(None) if before is None else column == before
        changed = session.execute(
            update(Handoff)
            .where(Handoff.id == row.id, Handoff.status == "waiting", same)
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
        return bool(changed)

    @staticmethod
    def _notice(text: str, position: int) -> Notice:
        return Notice(
            text=text,
            metadata={
                "sender": "system",
                "handoff": {"status": "waiting", "queue_position": position},
            },
        )
