"""Conversation locks shared by several Rasa processes, kept in Redis.

Rasa's `RedisLockStore` reads a conversation's lock, adds a ticket and writes the
lock back: two processes doing that at once both read "nobody waiting", both
issue ticket 0 and both believe they hold the conversation, which is exactly what
a lock store is for preventing. It also talks to Redis with blocking calls on the
event loop and looks at the lock once a second, so a customer's second message
waits up to a second for nothing.

Here each ticket is issued and checked by a Lua script, which Redis runs
atomically: a conversation's tickets form a queue (a sorted set by ticket
number, with each ticket's expiry beside it), the head of the queue holds the
conversation, and a ticket whose holder died (a SIGKILLed process never cleans
up) is dropped when it expires, so the conversation carries on without it. The
client is redis-py's asyncio client with timeouts, and waiting polls every few
milliseconds, backing off to 50 ms.

`TicketQueue` is also what keeps one conversation's messages in arrival order
across processes before Rasa's lock is taken (kefu_rasa/in_order.py), under its
own key prefix, so the two never wait on each other.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from contextlib import asynccontextmanager
from typing import AsyncIterator, Optional

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

# Ticket numbers are per conversation; each key expires a while after its last
# ticket, so an abandoned conversation leaves nothing behind in Redis.
_ISSUE = """
local ticket = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], ticket, ticket)
redis.call('HSET', KEYS[3], ticket, ARGV[1])
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
return ticket
"""

# Renews the asking ticket, drops expired tickets at the head, then answers 1: the
# ticket holds the conversation now; 0: earlier tickets are still being served;
# -1: the ticket itself expired (its process stalled longer than its lifetime).
_TURN = """
local now = tonumber(ARGV[2])
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
end
while true do
  local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
  if not head then return -1 end
  local expiry = tonumber(redis.call('HGET', KEYS[2], head) or '0')
  if expiry >= now then
    if head == ARGV[1] then return 1 end
    if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
    return -1
  end
  redis.call('ZREM', KEYS[1], head)
  redis.call('HDEL', KEYS[2], head)
end
"""

# Renews a ticket that is still in its queue (its holder is alive and working).
_RENEW = """
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  return 1
end
return 0
"""

# A ticket whose process stops renewing it is dropped after this long: how long a
# crash holds up that conversation's next message (renewed every third of it).
TICKET_LIFETIME_SECONDS = float(os.environ.get("KEFU_TICKET_LIFETIME_SECONDS", "10"))
_FIRST_WAIT_SECONDS = 0.005
_LONGEST_WAIT_SECONDS = 0.05


class TicketQueue:
    """First come, first served turns per conversation, shared through Redis."""

    def __init__(self, url: str, prefix: str, socket_timeout: float = 5.0) -> None:
        import redis.asyncio

        self.redis = redis.asyncio.Redis.from_url(
            url, socket_timeout=socket_timeout, socket_connect_timeout=socket_timeout
        )
        self.prefix = prefix
        self._issue = self.redis.register_script(_ISSUE)
        self._turn = self.redis.register_script(_TURN)
        self._renew = self.redis.register_script(_RENEW)

    def _keys(self, conversation_id: str) -> list:
        base = f"{self.prefix}:{conversation_id}"
        return [f"{base}:next", f"{base}:queue", f"{base}:expiry"]

    async def issue(self, conversation_id: str, lifetime: float) -> int:
        keys = self._keys(conversation_id)
        expiry = time.time() + lifetime
        keep_ms = int(max(lifetime, 1.0) * 2000)
        return int(await self._issue(keys=keys, args=[repr(expiry), keep_ms]))

    async def wait_for_turn(self, conversation_id: str, ticket: int, lifetime: float) -> None:
        """Returns once `ticket` is at the head of its conversation's queue; raises
        LockError when it expired before its turn came."""
        _, queue, expiry = self._keys(conversation_id)
        pause = _FIRST_WAIT_SECONDS
        while True:
            now = time.time()
            turn = int(
                await self._turn(
                    keys=[queue, expiry], args=[ticket, repr(now), repr(now + lifetime)]
                )
            )
            if turn == 1:
                return
            if turn == -1:
                raise LockError(
                    f"Conversation '{conversation_id}': its turn did not come within "
                    f"{lifetime:.0f} s."
                )
            await asyncio.sleep(pause)
            pause = min(pause * 2, _LONGEST_WAIT_SECONDS)

    async def release(self, conversation_id: str, ticket: int) -> None:
        _, queue, expiry = self._keys(conversation_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            await pipe.zrem(queue, ticket).hdel(expiry, ticket).execute()

    async def _keep_alive(self, conversation_id: str, ticket: int, lifetime: float) -> None:
        _, queue, expiry = self._keys(conversation_id)
        while True:
            await asyncio.sleep(lifetime / 3)
            with contextlib.suppress(Exception):  # the next round tries again
                await self._renew(keys=[queue, expiry], args=[ticket, repr(time.time() + lifetime)])

    @asynccontextmanager
    async def turn(
        self, conversation_id: str, lifetime: float = TICKET_LIFETIME_SECONDS
    ) -> AsyncIterator[int]:
        """Holds the conversation from the moment its turn comes until the block ends.
        The ticket is renewed while its holder works, so `lifetime` bounds only how
        long a dead process (SIGKILL, a lost machine) keeps the others waiting."""
        ticket = await self.issue(conversation_id, lifetime)
        async with self.held(conversation_id, ticket, lifetime):
            yield ticket

    @asynccontextmanager
    async def held(self, conversation_id: str, ticket: int, lifetime: float) -> AsyncIterator[None]:
        """Waits for an issued ticket's turn and holds it, renewed, until the block ends."""
        keep_alive = asyncio.create_task(self._keep_alive(conversation_id, ticket, lifetime))
        try:
            await self.wait_for_turn(conversation_id, ticket, lifetime)
            yield
        finally:
            keep_alive.cancel()
            with contextlib.suppress(Exception):  # else the ticket expires on its own
                await asyncio.shield(self.release(conversation_id, ticket))

    async def aclose(self) -> None:
        await self.redis.close()


class KefuRedisLockStore(LockStore):
    """Rasa's lock store interface over `TicketQueue` (endpoints: `lock_store:
    type: kefu_rasa.lock_store.KefuRedisLockStore`, `url: redis://host:6379/1`)."""

    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        url: Optional[str] = None,
        key_prefix: str = "kefu:lock",
        socket_timeout: float = 5.0,
    ) -> None:
        # Rasa builds a lock store named by its module path with the endpoint's
        # config only; the keyword arguments are for Kefu's own code and tests.
        if endpoint_config is not None:
            url = endpoint_config.url or url
            key_prefix = endpoint_config.kwargs.get("key_prefix", key_prefix)
            socket_timeout = float(endpoint_config.kwargs.get("socket_timeout", socket_timeout))
        super().__init__()
        self.tickets = TicketQueue(url or "redis://localhost:6379/1", key_prefix, socket_timeout)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncIterator[TicketLock]:
        # Rasa's lifetime (60 s) is how long a lock may be held; ours is renewed
        # while held, so a short one only shortens the wait after a crash.
        async with self.tickets.turn(conversation_id, min(lock_lifetime, TICKET_LIFETIME_SECONDS)):
            yield TicketLock(conversation_id)

    # Rasa's own code only ever calls lock(); the storage hooks of the base class
    # work on a whole serialised lock, which this store never has.
    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        return None

    def delete_lock(self, conversation_id: str) -> None:
        return None

    def save_lock(self, lock: TicketLock) -> None:
        return None
