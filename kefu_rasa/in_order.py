"""One conversation's messages are handled one at a time, in the order they came.

Each channel event is its own task, and a message waits on the database (is a
person holding the chat?) before Rasa's lock store serialises it: without this, a
customer who sends two messages quickly could have the second overtake the first
("I want a person" handed over before "my order is late" was read, which then went
to the agent out of order). asyncio's locks wake their waiters first come, first
served, so holding one per conversation from the moment a message arrives keeps
the order within this process. A conversation's lock is dropped once nobody holds
or waits for it, so the table stays as small as the number of conversations
typing right now.

With several Rasa processes (KEFU_REDIS_URL set) the turn is a ticket in Redis
instead (kefu_rasa/lock_store.py `TicketQueue`, its own keys beside Rasa's lock
store's): two messages of one conversation that reach two processes at once are
handled in the order Redis issued their tickets, one after the other.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator, Dict, Protocol

from redis.exceptions import RedisError

from kefu_rasa.lock_store import TICKET_LIFETIME_SECONDS, TicketQueue

logger = logging.getLogger(__name__)


class Turns(Protocol):
    def turn(self, conversation_id: str) -> AsyncIterator[None]: ...


class InOrder:
    def __init__(self) -> None:
        self._locks: Dict[str, asyncio.Lock] = {}
        self._users: Dict[str, int] = {}

    @asynccontextmanager
    async def turn(self, conversation_id: str) -> AsyncIterator[None]:
        """Waits for the conversation's earlier messages, then holds its turn."""
        lock = self._locks.setdefault(conversation_id, asyncio.Lock())
        self._users[conversation_id] = self._users.get(conversation_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[conversation_id] -= 1
            if not self._users[conversation_id]:
                del self._users[conversation_id]
                del self._locks[conversation_id]

    def __len__(self) -> int:
        return len(self._locks)


class SharedInOrder:
    """The same turns across processes, through Redis. While Redis cannot be
    reached a message keeps this process's order only and goes on: Rasa's lock
    store then fails as well, and the safety net answers it with an apology
    (kefu_rasa/silence.py) instead of the message vanishing."""

    def __init__(self, redis_url: str) -> None:
        self.tickets = TicketQueue(redis_url, prefix="kefu:order")
        self.local = InOrder()

    @asynccontextmanager
    async def turn(self, conversation_id: str) -> AsyncIterator[None]:
        try:
            ticket = await self.tickets.issue(conversation_id, TICKET_LIFETIME_SECONDS)
        except RedisError as error:
            logger.error("Redis is unreachable; a message keeps local order only: %s", error)
            async with self.local.turn(conversation_id):
                yield
            return
        async with self.tickets.held(conversation_id, ticket, TICKET_LIFETIME_SECONDS):
            yield


def in_order_for(redis_url: str) -> Turns:
    """Turns within this process, or across all of them when they share Redis."""
    return SharedInOrder(redis_url) if redis_url else InOrder()
