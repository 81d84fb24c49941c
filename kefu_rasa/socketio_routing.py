"""socket.io between Rasa processes: each emit goes only to the processes holding
its room.

With several Rasa processes, a customer's socket is held by one of them, while the
message for it (an agent's reply through Rasa's HTTP API, the agent typing) may
reach any other. python-socketio's Redis manager solves that by publishing every
emit on one channel that every process follows: each process unpickles every
message to look for the room. With P processes Redis delivers P copies of each
emit, and the work of all of them together grows with P²; the capacity model
(docs/scaling.md) found this the first limit at tens of thousands of chats.

Kefu already records which process holds which customer's sockets, for presence
(kefu_rasa/presence.py: per session, one member per socket, named after its
process). This manager reads that record: a room this process holds is delivered
here without Redis, and each other process holding it gets the emit on a channel
of its own (`kefu-socketio:<process>`). When the record names nobody (a room not
recorded yet, Redis unreachable for the look-up) or the emit is of a kind that is
not routed (a broadcast, an emit with a callback), it falls back to the shared
channel, which every process still follows: nothing is lost by routing.
"""

from __future__ import annotations

import asyncio
import logging
import pickle
from typing import Any, AsyncIterator, Awaitable, Callable, List, Optional, Set

from redis.exceptions import RedisError
from socketio import AsyncRedisManager, AsyncServer
from socketio.asyncio_manager import AsyncManager

from kefu_rasa.presence import SharedPresence

logger = logging.getLogger(__name__)
CHANNEL = "kefu-socketio"
RETRY_LIMIT_SECONDS = 60

Holders = Callable[[str], Awaitable[Optional[Set[str]]]]


class RoomRoutedRedisManager(AsyncRedisManager):
    """python-socketio's Redis manager, with emits to a room sent only where the
    room's sockets are (`holders` names those processes by their host ids)."""

    def __init__(self, url: str, host_id: str, holders: Holders, channel: str = CHANNEL) -> None:
        super().__init__(url, channel=channel)
        self.host_id = host_id  # the name presence records this process's sockets under
        self.own_channel = f"{channel}:{host_id}"
        self._holders = holders

    def _channels(self) -> List[str]:
        return [self.channel, self.own_channel]

    async def emit(  # type: ignore[override]
        self,
        event: str,
        data: Any,
        namespace: Optional[str] = None,
        room: Any = None,
        skip_sid: Any = None,
        callback: Any = None,
        **kwargs: Any,
    ) -> None:
        if kwargs.get("ignore_queue") or callback is not None or not isinstance(room, str):
            await super().emit(
                event, data, namespace=namespace, room=room, skip_sid=skip_sid,
                callback=callback, **kwargs,
            )  # fmt: skip
            return
        namespace = namespace or "/"
        here = room in self.rooms.get(namespace, {})
        if here and self.is_connected(room, namespace):
            # A socket's own room (its sid): that socket is here and nowhere else.
            await AsyncManager.emit(self, event, data, namespace, room=room, skip_sid=skip_sid)
            return
        holders = await self._holders(room)
        if not holders:
            await super().emit(event, data, namespace=namespace, room=room, skip_sid=skip_sid)
            return
        if here:
            await AsyncManager.emit(self, event, data, namespace, room=room, skip_sid=skip_sid)
        message = {
            "method": "emit",
            "event": event,
            "data": data,
            "namespace": namespace,
            "room": room,
            "skip_sid": skip_sid,
            "callback": None,
            "host_id": self.host_id,
        }
        others = sorted(holders - {self.host_id})
        try:
            for host in others:
                await self.redis.publish(f"{self.channel}:{host}", pickle.dumps(message))
        except RedisError as error:
            logger.warning("could not send an emit to the process holding it: %s", error)
            await super().emit(event, data, namespace=namespace, room=room, skip_sid=skip_sid)

    async def _redis_listen_with_retries(self) -> AsyncIterator[Any]:
        """The stock loop, subscribing to this process's own channel as well."""
        retry_sleep = 1
        connect = False
        while True:
            try:
                if connect:
                    self._redis_connect()
                    await self.pubsub.subscribe(*self._channels())
                    retry_sleep = 1
                async for message in self.pubsub.listen():
                    yield message
            except RedisError:
                logger.error("cannot receive from Redis; retrying in %s s", retry_sleep)
                connect = True
                await asyncio.sleep(retry_sleep)
                retry_sleep = min(retry_sleep * 2, RETRY_LIMIT_SECONDS)

    async def _listen(self) -> AsyncIterator[Any]:
        wanted = {channel.encode("utf-8") for channel in self._channels()}
        await self.pubsub.subscribe(*self._channels())
        async for message in self._redis_listen_with_retries():
            if message["channel"] in wanted and message["type"] == "message" and "data" in message:
                yield message["data"]


def share_rooms_through_redis(sio: AsyncServer, presence: SharedPresence, redis_url: str) -> None:
    """Installs the routed manager on Rasa's socket.io server. Done before the
    server has any client, which is when the stock manager would be set up."""
    sio.manager = RoomRoutedRedisManager(redis_url, presence.origin, presence.holders)
    sio.manager.set_server(sio)
    sio.manager_initialized = False
