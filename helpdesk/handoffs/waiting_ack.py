"""A message the customer types while their chat waits for a person is kept for the
agent (kefu_rasa/handoff_guard.py) and the bot stays silent; without a word back,
the customer cannot tell whether anyone got it. So the first such message, and
then one at most every `every`, gets a short acknowledgement in the chat's
language. Once an agent holds the chat, the agent answers: no acknowledgements.

One conditional UPDATE per message decides, so two Rasa processes never both
acknowledge the same burst of messages.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import or_, select, update

from helpdesk.db import Database
from helpdesk.desk_texts import DeskTexts, default_texts
from helpdesk.models import Handoff
from helpdesk.sql_records import unit_of_work

DEFAULT_ACK_EVERY = timedelta(minutes=3)


class WaitingAcknowledger:
    def __init__(
        self, db: Database, texts: Optional[DeskTexts] = None, every: timedelta = DEFAULT_ACK_EVERY
    ) -> None:
        self.db = db
        self.texts = default_texts(texts)
        self.every = every

    def acknowledgement(self, handoff_id: int, now: datetime) -> Optional[str]:
        """What to say back to a message the customer just wrote in this chat, or
        None (an agent holds it, or the customer heard one less than `every` ago)."""
        with unit_of_work(self.db) as session:
            changed = session.execute(
                update(Handoff)
                .where(
                    Handoff.id == handoff_id,
                    Handoff.status == "waiting",
                    or_(
                        Handoff.waiting_acked_at.is_(None),
                        Handoff.waiting_acked_at <= now - self.every,
                    ),
                )
                .values(waiting_acked_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
            if not changed:
                return None
            language = session.execute(
                select(Handoff.language).where(Handoff.id == handoff_id)
            ).scalar_one_or_none()
            return self.texts.say("notices.waiting_message_noted", language)
