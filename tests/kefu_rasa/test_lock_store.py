"""The Redis lock store Kefu's Rasa processes share (kefu_rasa/lock_store.py), on
the Redis server of this machine. Each `TicketQueue` has its own client, as two
Rasa processes would. (run_async: once the browser tests have run, Playwright keeps
an event loop in the main thread, where asyncio.run() refuses to start another.)"""

from __future__ import annotations

import asyncio
import secrets
from typing import List

import pytest
from rasa.core.lock_store import LockError

from kefu_rasa.lock_store import KefuRedisLockStore, TicketQueue
from tests.conftest import run_async

REDIS_URL = "redis://127.0.0.1:6379/1"


def _prefix() -> str:
    return f"kefutest{secrets.token_hex(4)}"


def test_two_processes_never_hold_one_conversation_at_once() -> None:
    async def scenario() -> List[str]:
        prefix = _prefix()
        first, second = TicketQueue(REDIS_URL, prefix), TicketQueue(REDIS_URL, prefix)
        holding: List[int] = []
        trace: List[str] = []

        async def handle(queue: TicketQueue, name: str) -> None:
            async with queue.turn("conversation-1", lifetime=10):
                holding.append(1)
                trace.append(f"{name}:{len(holding)}")
                await asyncio.sleep(0.01)
                holding.pop()

        await asyncio.gather(*(handle(q, f"{i}") for i in range(20) for q in (first, second)))
        await first.aclose()
        await second.aclose()
        return trace

    trace = run_async(scenario())
    assert len(trace) == 40
    assert all(entry.endswith(":1") for entry in trace), trace


def test_turns_come_in_the_order_the_tickets_were_issued() -> None:
    async def scenario() -> List[int]:
        prefix = _prefix()
        queues = [TicketQueue(REDIS_URL, prefix) for _ in range(3)]
        served: List[int] = []

        async def handle(index: int) -> None:
            queue = queues[index % 3]
            ticket = await queue.issue("c", 10)
            await queue.wait_for_turn("c", ticket, 10)
            served.append(ticket)
            await asyncio.sleep(0.005)
            await queue.release("c", ticket)

        await asyncio.gather(*(handle(index) for index in range(9)))
        for queue in queues:
            await queue.aclose()
        return served

    served = run_async(scenario())
    assert served == sorted(served) and len(served) == 9


def test_a_holder_that_died_does_not_block_the_conversation_past_its_lifetime() -> None:
    async def scenario() -> float:
        prefix = _prefix()
        dead, alive = TicketQueue(REDIS_URL, prefix), TicketQueue(REDIS_URL, prefix)
        await dead.issue("c", lifetime=0.3)  # taken and never released (SIGKILL)
        loop = asyncio.get_running_loop()
        started = loop.time()
        async with alive.turn("c", lifetime=5):
            waited = loop.time() - started
        await dead.aclose()
        await alive.aclose()
        return waited

    waited = run_async(scenario())
    assert 0.2 < waited < 1.5


def test_a_ticket_that_expires_while_waiting_raises_a_lock_error() -> None:
    async def scenario() -> None:
        prefix = _prefix()
        queue = TicketQueue(REDIS_URL, prefix)
        try:
            await queue.issue("c", lifetime=5)  # holds the conversation
            with pytest.raises(LockError):
                async with queue.turn("c", lifetime=0.2):
                    pass
        finally:
            await queue.aclose()

    run_async(scenario())


def test_the_lock_store_is_built_from_rasa_endpoint_config() -> None:
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import EndpointConfig

    config = EndpointConfig(
        url=REDIS_URL, type="kefu_rasa.lock_store.KefuRedisLockStore", key_prefix="kefutest"
    )
    store = LockStore.create(config)
    assert isinstance(store, KefuRedisLockStore)
    assert store.tickets.prefix == "kefutest"

    async def use() -> None:
        async with store.lock("conversation-x"):
            pass
        await store.tickets.aclose()

    run_async(use())


def test_a_living_holder_keeps_its_turn_past_the_lifetime_by_renewing_it() -> None:
    async def scenario() -> List[str]:
        prefix = _prefix()
        first, second = TicketQueue(REDIS_URL, prefix), TicketQueue(REDIS_URL, prefix)
        order: List[str] = []

        async def slow() -> None:
            async with first.turn("c", lifetime=0.3):
                await asyncio.sleep(1.0)  # three lifetimes, working all along
                order.append("slow")

        async def next_one() -> None:
            await asyncio.sleep(0.05)
            async with second.turn("c", lifetime=0.3):
                order.append("next")

        await asyncio.gather(slow(), next_one())
        await first.aclose()
        await second.aclose()
        return order

    assert run_async(scenario()) == ["slow", "next"]
