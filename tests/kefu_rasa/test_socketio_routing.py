"""kefu_rasa/socketio_routing.py on this machine's Redis: two "Rasa processes" (two
socket.io servers with their own presence, in one event loop) and a listener on
every channel of the test's own. An emit reaches the sockets of its room wherever
they are, goes through Redis only to the processes holding the room, and falls
back to the shared channel when nobody recorded the room.

Only the last hop, writing the packet to a browser's connection, is recorded
instead of sent: there is no browser here (that hop is python-socketio's, and the
scaled system tests cover it with real sockets)."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any, Dict, List, Tuple

import redis.asyncio
import socketio

from kefu_rasa.presence import SharedPresence
from kefu_rasa.socketio_routing import RoomRoutedRedisManager
from tests.conftest import run_async

REDIS_URL = "redis://127.0.0.1:6379/0"


class RecordingServer(socketio.AsyncServer):
    """A socket.io server whose packets to browsers are recorded, not written."""

    def __init__(self) -> None:
        super().__init__(async_mode="asgi")
        self.delivered: List[Tuple[str, str, Any]] = []

    async def _emit_internal(self, eio_sid, event, data, namespace=None, id=None):  # type: ignore[no-untyped-def]
        self.delivered.append((eio_sid, event, data))


class Process:
    """One Rasa process's socket.io server, routed manager and presence."""

    def __init__(self, channel: str) -> None:
        self.presence = SharedPresence(REDIS_URL)
        self.server = RecordingServer()
        self.manager = RoomRoutedRedisManager(
            REDIS_URL, self.presence.origin, self.presence.holders, channel=channel
        )
        self.server.manager = self.manager
        self.manager.set_server(self.server)
        self.manager.initialize()  # starts its listener

    async def open_window(self, session: str, record: bool = True) -> str:
        eio_sid = f"eio-{secrets.token_hex(4)}"
        sid = self.manager.connect(eio_sid, "/")
        self.manager.enter_room(sid, "/", session)
        if record:
            await self.presence.joined(session, sid)
        return eio_sid

    async def close(self) -> None:
        self.manager.thread.cancel()
        await asyncio.gather(self.manager.thread, return_exceptions=True)
        await self.presence.close()
        await self.manager.redis.close()


async def two_processes_and_a_listener(scenario) -> Dict[str, Any]:  # type: ignore[no-untyped-def]
    channel = f"routing-test-{secrets.token_hex(6)}"
    listener = redis.asyncio.Redis.from_url(REDIS_URL)
    pubsub = listener.pubsub(ignore_subscribe_messages=True)
    await pubsub.psubscribe(f"{channel}*")
    rasa_1, rasa_2 = Process(channel), Process(channel)
    await asyncio.sleep(0.2)  # both listeners subscribed
    try:
        result = await scenario(rasa_1, rasa_2)
        await asyncio.sleep(0.3)
        published: List[str] = []
        for _ in range(10):  # what arrived (None is a lull or a subscription's notice)
            message = await pubsub.get_message(timeout=0.05)
            if message is not None:
                published.append(message["channel"].decode().replace(channel, "<channel>"))
        return {
            **result,
            "published": published,
            "rasa-1": rasa_1.presence.origin,
            "rasa-2": rasa_2.presence.origin,
        }
    finally:
        await rasa_1.close()
        await rasa_2.close()
        await pubsub.close()
        await listener.close()


async def until_delivered(process: Process, count: int) -> None:
    for _ in range(100):
        if len(process.server.delivered) >= count:
            return
        await asyncio.sleep(0.02)


def test_an_emit_on_one_process_reaches_the_socket_on_the_other_through_its_channel_only():
    async def scenario(rasa_1: Process, rasa_2: Process) -> Dict[str, Any]:
        session = f"routing-{secrets.token_hex(6)}"
        window = await rasa_2.open_window(session)
        await rasa_1.server.emit("bot_uttered", {"text": "Sam here"}, room=session)
        await until_delivered(rasa_2, 1)
        return {"window": window, "on_1": rasa_1.server.delivered, "on_2": rasa_2.server.delivered}

    seen = run_async(two_processes_and_a_listener(scenario))
    assert seen["on_2"] == [(seen["window"], "bot_uttered", {"text": "Sam here"})]
    assert seen["on_1"] == []
    assert seen["published"] == [f"<channel>:{seen['rasa-2']}"]  # not every process's


def test_a_room_held_here_is_delivered_without_redis():
    async def scenario(rasa_1: Process, rasa_2: Process) -> Dict[str, Any]:
        session = f"routing-{secrets.token_hex(6)}"
        window = await rasa_1.open_window(session)
        await rasa_1.server.emit("bot_uttered", {"text": "hello"}, room=session)
        return {"window": window, "on_1": list(rasa_1.server.delivered)}

    seen = run_async(two_processes_and_a_listener(scenario))
    assert seen["on_1"] == [(seen["window"], "bot_uttered", {"text": "hello"})]
    assert seen["published"] == []


def test_a_chat_open_on_both_processes_is_delivered_to_both_windows_once():
    async def scenario(rasa_1: Process, rasa_2: Process) -> Dict[str, Any]:
        session = f"routing-{secrets.token_hex(6)}"
        await rasa_1.open_window(session)
        await rasa_2.open_window(session)
        await rasa_1.server.emit("bot_uttered", {"text": "both tabs"}, room=session)
        await until_delivered(rasa_2, 1)
        await asyncio.sleep(0.2)  # anything else would have arrived by now
        return {"on_1": len(rasa_1.server.delivered), "on_2": len(rasa_2.server.delivered)}

    seen = run_async(two_processes_and_a_listener(scenario))
    assert (seen["on_1"], seen["on_2"]) == (1, 1)
    assert seen["published"] == [f"<channel>:{seen['rasa-2']}"]


def test_a_room_nobody_recorded_falls_back_to_every_process():
    async def scenario(rasa_1: Process, rasa_2: Process) -> Dict[str, Any]:
        session = f"routing-{secrets.token_hex(6)}"
        window = await rasa_2.open_window(session, record=False)
        await rasa_1.server.emit("bot_uttered", {"text": "still heard"}, room=session)
        await until_delivered(rasa_2, 1)
        return {"window": window, "on_2": rasa_2.server.delivered}

    seen = run_async(two_processes_and_a_listener(scenario))
    assert seen["on_2"] == [(seen["window"], "bot_uttered", {"text": "still heard"})]
    assert seen["published"] == ["<channel>"]


def test_a_socket_s_own_room_is_delivered_here_without_a_look_up():
    async def scenario(rasa_1: Process, rasa_2: Process) -> Dict[str, Any]:
        eio_sid = "eio-own"
        sid = rasa_1.manager.connect(eio_sid, "/")
        await rasa_1.server.emit("session_confirm", {"session_id": "s"}, room=sid)
        return {"on_1": rasa_1.server.delivered}

    seen = run_async(two_processes_and_a_listener(scenario))
    assert seen["on_1"] == [("eio-own", "session_confirm", {"session_id": "s"})]
    assert seen["published"] == []
