"""That a customer is typing in a chat with a person, for the agents' consoles.

The customer's socket lives in a Rasa process and the consoles' event streams in
web processes; the database is the one medium they share. A keystroke is not a
handoff event: the events table is the chat's permanent log (the transcript, the
search index and the stream's cursor all read it), and a row per signal would
grow it by thousands of rows a day for something that matters for six seconds.
So each handoff keeps one column, `customer_typing_at`, that the channel rewrites
(one UPDATE, which also does the throttling, so several Rasa processes cannot
write more often than `RECORD_EVERY` between them), and the stream reads the
handful of chats whose column is recent about once a second (an indexed range
query). A console shows the signal for `SHOWN_FOR` after it arrives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import List

from sqlalchemy import or_, select, update

from helpdesk.db import Database
from helpdesk.models import Handoff
from helpdesk.sql_records import unit_of_work

# Chats with a person: waiting for one, or with one.
OPEN_STATUSES = ("waiting", "active")
# The channel writes a chat's typing at most this often (the widget signals every
# 2 s at most; a little less here, so each of its signals gets through)...
RECORD_EVERY = timedelta(seconds=1.5)
# ...and a signal counts as "typing now" this long (the console hides it after).
SHOWN_FOR = timedelta(seconds=6)


@dataclass(frozen=True)
class TypingSignal:
    handoff_id: int
    at: datetime


class CustomerTyping:
    def __init__(self, db: Database) -> None:
        self.db = db

    def note(self, conversation_id: str, now: datetime) -> bool:
        """Records that the customer of the conversation's open chat is typing;
        False when it has no open chat, or its typing was recorded less than
        `RECORD_EVERY` ago. Raises `RecordsUnavailable` when the database is down."""
        statement = (
            update(Handoff)
            .where(
                Handoff.conversation_id == conversation_id,
                Handoff.status.in_(OPEN_STATUSES),
                or_(
                    Handoff.customer_typing_at.is_(None),
                    Handoff.customer_typing_at < now - RECORD_EVERY,
                ),
            )
            .values(customer_typing_at=now)
            .execution_options(synchronize_session=False)
        )
        with unit_of_work(self.db) as session:
            return session.execute(statement).rowcount > 0

    def typing_now(self, now: datetime) -> List[TypingSignal]:
        """The open chats whose customer typed within `SHOWN_FOR` of `now`."""
        query = (
            select(Handoff.id, Handoff.customer_typing_at)
            .where(
                Handoff.customer_typing_at > now - SHOWN_FOR,
                Handoff.status.in_(OPEN_STATUSES),
            )
            .order_by(Handoff.id)
        )
        with unit_of_work(self.db) as session:
            return [TypingSignal(row.id, row.customer_typing_at) for row in session.execute(query)]
