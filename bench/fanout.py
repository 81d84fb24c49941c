"""`./kefu bench fanout`: what one socket.io emit costs across Rasa processes, with
python-socketio's Redis manager (every emit to every process) and with Kefu's
routed one (kefu_rasa/socketio_routing.py: only to the processes holding the room).

For each process count P it starts P socket.io servers in this process, each with
its manager and presence on the local Redis, and 200 customers' chat windows spread
over them. Then it sends N emits to those customers: nine in ten from the process
holding the customer's socket (the bot's answers), one in ten from any process (an
agent's reply through Rasa's HTTP API reaches whichever nginx picks). It waits
until every emit reached its window and prints, per emit: the messages the
processes took off Redis and decoded, the CPU of this process (all P servers) and
of Redis, and the time to deliver them all. Only the last hop, writing the packet
to a browser's connection, is counted instead of sent. Loopback only, bounded by N.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import time
from typing import Any, Dict, List, Optional, Tuple

import redis.asyncio
import socketio

from kefu_rasa.presence import SharedPresence
from kefu_rasa.socketio_routing import RoomRoutedRedisManager

CUSTOMERS = 200
FROM_THE_HOLDER = 0.9


class CountingServer(socketio.AsyncServer):
    """A socket.io server that counts the packets it would write to browsers."""

    def __init__(self) -> None:
        super().__init__(async_mode="asgi")
        self.packets = 0

    async def _emit_internal(self, eio_sid, event, data, namespace=None, id=None):  # type: ignore[no-untyped-def]
        self.packets += 1


def counting(manager_class: type) -> type:
    """`manager_class`, counting the messages it takes off Redis and decodes."""

    class Counting(manager_class):  # type: ignore[misc, valid-type]
        decoded = 0

        async def _handle_emit(self, message: Dict[str, Any]) -> None:
            type(self).decoded += 1
            await super()._handle_emit(message)

    return Counting


async def redis_cpu(url: str) -> float:
    client = redis.asyncio.Redis.from_url(url)
    try:
        info = await client.info("cpu")
        return float(info["used_cpu_sys"]) + float(info["used_cpu_user"])
    finally:
        await client.close()


async def measure(url: str, kind: str, processes: int, emits: int) -> Dict[str, float]:
    channel = f"bench-fanout-{secrets.token_hex(4)}"
    manager_class = counting(
        socketio.AsyncRedisManager if kind == "stock" else RoomRoutedRedisManager
    )
    servers: List[Tuple[CountingServer, Any, SharedPresence]] = []
    for _ in range(processes):
        presence = SharedPresence(url)
        server = CountingServer()
        if kind == "stock":
            manager = manager_class(url, channel=channel)
        else:
            manager = manager_class(url, presence.origin, presence.holders, channel=channel)
        server.manager = manager
        manager.set_server(server)
        manager.initialize()
        servers.append((server, manager, presence))
    holder_of: Dict[str, int] = {}
    for n in range(CUSTOMERS):
        session = f"bench-{channel}-{n}"
        index = n % processes
        server, manager, presence = servers[index]
        sid = manager.connect(f"eio-{n}", "/")
        manager.enter_room(sid, "/", session)
        await presence.joined(session, sid)
        holder_of[session] = index
    await asyncio.sleep(0.3)  # every listener subscribed
    sessions = list(holder_of)
    plan = []
    for _ in range(emits):
        session = random.choice(sessions)
        sender = holder_of[session] if random.random() < FROM_THE_HOLDER else None
        plan.append((session, sender if sender is not None else random.randrange(processes)))
    manager_class.decoded = 0
    redis_before, cpu_before, wall_before = await redis_cpu(url), time.process_time(), time.monotonic()
    for session, sender in plan:
        await servers[sender][0].emit("bot_uttered", {"text": "hello"}, room=session)
    deadline = time.monotonic() + 60
    while sum(s.packets for s, _, _ in servers) < emits and time.monotonic() < deadline:
        await asyncio.sleep(0.005)
    wall = time.monotonic() - wall_before
    cpu = time.process_time() - cpu_before
    redis_used = await redis_cpu(url) - redis_before
    delivered = sum(s.packets for s, _, _ in servers)
    for _, manager, presence in servers:
        manager.thread.cancel()
        await asyncio.gather(manager.thread, return_exceptions=True)
        await presence.close()
        await manager.redis.close()
    return {
        "delivered": delivered,
        "decoded": manager_class.decoded / emits,
        "cpu_ms": cpu * 1000 / emits,
        "redis_ms": redis_used * 1000 / emits,
        "wall_s": wall,
    }


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="./kefu bench fanout", description=__doc__.split("\n")[0])
    parser.add_argument("--processes", default="1,2,4,8", help="process counts, comma-separated")
    parser.add_argument("--emits", type=int, default=2000, help="emits per run")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args(argv)
    counts = [int(p) for p in args.processes.split(",") if p.strip()]
    random.seed(7)
    print(
        f"{args.emits} emits to {CUSTOMERS} customers' windows, {FROM_THE_HOLDER:.0%} from "
        "the process holding the window; per emit:"
    )
    print(f"{'processes':>9} {'manager':>7} {'decoded':>8} {'CPU ms':>7} {'Redis ms':>8} "
          f"{'all in':>7} delivered")  # fmt: skip
    for processes in counts:
        for kind in ("stock", "routed"):
            figures = asyncio.run(measure(args.redis, kind, processes, args.emits))
            print(
                f"{processes:>9} {kind:>7} {figures['decoded']:>8.2f} {figures['cpu_ms']:>7.3f} "
                f"{figures['redis_ms']:>8.3f} {figures['wall_s']:>6.2f}s "
                f"{figures['delivered']:.0f}/{args.emits}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
