"""Whether a customer still has a chat window open, across Rasa processes.

The console shows an agent when the customer has left (every window of the chat
closed) and when they are back. A customer may have the chat open in two tabs,
and with several Rasa processes the two sockets may be held by two processes: the
one whose socket closes cannot tell from its own sockets that the other tab is
still there. So each process keeps its sockets of a session in Redis too, in one
sorted set per session (`kefu:presence:<session>`), each member one socket
(`<process>:<sid>`) scored with when it stops counting. A process renews its
sockets' members while they are open; a process that died stops renewing, so its
sockets stop counting after `lifetime_seconds` (its widgets have reconnected to
another process by then, and count there). The same record tells socket.io which
process to send a customer's messages to (kefu_rasa/socketio_routing.py).

Without Redis (the embedded default: one Rasa process) a process's own sockets
are the whole truth, and while Redis cannot be reached they are what it goes by.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from typing import Dict, Optional, Set, Tuple

from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

LIFETIME_SECONDS = 60.0  # a socket of a process that stopped renewing, counted this long

# Removes one socket and the expired ones; answers how many sockets are left.
_LEAVE = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local left = redis.call('ZCARD', KEYS[1])
if left == 0 then redis.call('DEL', KEYS[1]) end
return left
"""


class SharedPresence:
    """This process's sockets of each session, shared through Redis."""

    def __init__(
        self,
        redis_url: str,
        lifetime_seconds: float = LIFETIME_SECONDS,
        socket_timeout: float = 2.0,
    ) -> None:
        import redis.asyncio

        self.redis = redis.asyncio.Redis.from_url(
            redis_url, socket_timeout=socket_timeout, socket_connect_timeout=socket_timeout
        )
        self.lifetime_seconds = lifetime_seconds
        self.origin = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._leave = self.redis.register_script(_LEAVE)
        self._sockets: Dict[Tuple[str, str], None] = {}  # (session, sid) held here
        self._renewing: Optional[asyncio.Task] = None

    @staticmethod
    def _key(session_id: str) -> str:
        return f"kefu:presence:{session_id}"

    def _member(self, sid: str) -> str:
        return f"{self.origin}:{sid}"

    async def joined(self, session_id: str, sid: str) -> None:
        """A socket of this process now shows the session."""
        self._sockets[(session_id, sid)] = None
        self._renew_in_background()
        await self._add({(session_id, sid)})

    async def others_present(self, session_id: str, sid: str) -> bool:
        """The socket `sid` stopped showing the session: whether another socket, of
        any process, still shows it. Without Redis: no other socket of this
        process does (the caller asked that already), so no."""
        self._sockets.pop((session_id, sid), None)
        try:
            left = await self._leave(
                keys=[self._key(session_id)], args=[self._member(sid), time.time()]
            )
        except RedisError as error:
            logger.warning("Redis is unreachable; presence goes by this process: %s", error)
            return False
        return int(left) > 0

    async def holders(self, session_id: str) -> Optional[Set[str]]:
        """The processes (their `origin`s) holding a socket that shows the session,
        for routing socket.io's emits (kefu_rasa/socketio_routing.py); None when
        Redis cannot say."""
        try:
            members = await self.redis.zrangebyscore(self._key(session_id), time.time(), "+inf")
        except RedisError as error:
            logger.warning("Redis is unreachable; cannot tell who holds a chat: %s", error)
            return None
        return {member.decode("utf-8").rsplit(":", 1)[0] for member in members}

    async def _add(self, sockets: Set[Tuple[str, str]]) -> None:
        expiry = time.time() + self.lifetime_seconds
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for session_id, sid in sockets:
                    pipe.zadd(self._key(session_id), {self._member(sid): expiry})
                    pipe.expire(self._key(session_id), int(self.lifetime_seconds) + 1)
                await pipe.execute()
        except RedisError as error:
            logger.warning("could not share this process's chat windows in Redis: %s", error)

    def _renew_in_background(self) -> None:
        if self._renewing is None or self._renewing.done():
            self._renewing = asyncio.get_running_loop().create_task(self._renew_forever())

    async def _renew_forever(self) -> None:
        """Renews the open sockets' members a few times within their lifetime."""
        while self._sockets:
            await asyncio.sleep(self.lifetime_seconds / 3)
            await self._add(set(self._sockets))

    async def close(self) -> None:
        if self._renewing is not None:
            self._renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewing
        await self.redis.close()


class LocalPresence:
    """One Rasa process: its own sockets are the whole truth."""

    async def joined(self, session_id: str, sid: str) -> None:
        return None

    async def others_present(self, session_id: str, sid: str) -> bool:
        return False


def presence_for(redis_url: str) -> SharedPresence | LocalPresence:
    return SharedPresence(redis_url) if redis_url else LocalPresence()
