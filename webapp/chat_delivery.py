"""Saying things in the customer's chat on behalf of the console.

The helpdesk decides what the customer must be told (`Notice`); this sends it
through Rasa's HTTP API as a `bot` event, which Rasa logs in the conversation and
delivers to the customer's widget with its metadata (who wrote it). Letting go of a
chat also lets the bot answer again, and resolving one asks for a rating.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Iterable, Optional

from starlette.concurrency import run_in_threadpool

from helpdesk.desk_texts import DeskTexts
from helpdesk.handoffs.queue_position import QueuePositions
from helpdesk.notices import Notice
from helpdesk.records import CustomerRecords
from helpdesk.ticket_replies import ticket_reply_notice
from webapp.rasa_client import RasaClient, RasaUnavailable

logger = logging.getLogger(__name__)
RATING_FORM = "csat_form"


class ChatDelivery:
    """`texts` word what the web app itself adds to a notice (a ticket reply's
    author when it has no name), in the chat's language."""

    def __init__(self, rasa: RasaClient, texts: Optional[DeskTexts] = None) -> None:
        self.rasa = rasa
        self.texts = texts

    async def send(self, conversation_id: str, notice: Notice) -> None:
        """Raises `RasaUnavailable` when the message could not be delivered."""
        events = [
            {
                "event": "bot",
                "text": notice.text,
                "metadata": notice.metadata,
                "timestamp": time.time(),
            }
        ]
        await self.rasa.append_events(conversation_id, events)
        if notice.resume_bot:
            # Rasa's own process lifts the pause, from what the database now says;
            # if it cannot be told now, it does so when the customer writes next.
            try:
                await self.rasa.handoff_ended(conversation_id)
            except RasaUnavailable as error:
                logger.warning("could not tell Rasa the handoff in %s ended: %s", conversation_id, error)
        if notice.ask_rating:
            # The rating form asks its first question; then the bot listens, as
            # after any question it asks itself.
            await self.rasa.execute(conversation_id, RATING_FORM)
            await self.rasa.append_events(conversation_id, [_listen()])

    async def tell_queue_positions(self, positions: QueuePositions, now: datetime) -> int:
        """After the queue changed (or on the sweeper's round): tells each waiting
        customer whose place changed, or whose quoted wait ran out; how many."""
        told = await run_in_threadpool(positions.tell, now)
        for item in told:
            await self.send_all(item.conversation_id, [item.notice])
        return len(told)

    async def deliver_ticket_replies(self, records: CustomerRecords) -> int:
        """Says agents' public ticket replies in the chats the tickets came from;
        one that cannot be delivered now stays pending for the next round."""
        delivered = 0
        for reply in await run_in_threadpool(records.pending_chat_replies):
            try:
                await self.send(reply.conversation_id, ticket_reply_notice(reply, self.texts))
            except RasaUnavailable as error:
                logger.warning("ticket reply %s waits for Rasa: %s", reply.ticket_ref, error)
                break
            await run_in_threadpool(records.mark_chat_reply_delivered, reply.comment_id)
            delivered += 1
        return delivered

    async def send_all(self, conversation_id: str, notices: Iterable[Notice]) -> bool:
        """Best effort for notices that follow a change already made (claimed,
        resolved...): a failure is logged and reported, not raised. The bot's own
        guard resumes a conversation whose handoff is over, so a lost "resume" does
        not leave the customer unanswered."""
        delivered = True
        for notice in notices:
            try:
                await self.send(conversation_id, notice)
            except RasaUnavailable as error:
                logger.error("could not tell the customer in %s: %s", conversation_id, error)
                delivered = False
        return delivered


def _listen() -> dict:
    return {"event": "action", "name": "action_listen", "timestamp": time.time()}
