"""One conversation's messages are handled in the order they came, even when the
first waits longer (on the database, say) than the second; other conversations do
not wait for it; and nothing is kept once a conversation goes quiet."""

import asyncio
import contextlib
import uuid

from kefu_rasa.in_order import InOrder, SharedInOrder
from ops.mail_catcher import free_port
from tests.conftest import run_async

REDIS_URL = "redis://127.0.0.1:6379/1"


def test_a_quick_second_message_does_not_overtake_a_slow_first_one():
    in_order = InOrder()
    handled = []

    async def handle(conversation_id: str, text: str, takes: float) -> None:
        async with in_order.turn(conversation_id):
            await asyncio.sleep(takes)
            handled.append(text)

    async def customer_writes_twice_quickly() -> None:
        await asyncio.gather(
            handle("chat-maya", "my order BW-104119 is late", 0.2),
            handle("chat-maya", "I want to talk to a person", 0.0),
        )

    run_async(customer_writes_twice_quickly())
    assert handled == ["my order BW-104119 is late", "I want to talk to a person"]
    assert len(in_order) == 0


def test_other_conversations_do_not_wait_for_a_slow_one():
    in_order = InOrder()
    handled = []

    async def handle(conversation_id: str, takes: float) -> None:
        async with in_order.turn(conversation_id):
            await asyncio.sleep(takes)
            handled.append(conversation_id)

    async def two_customers() -> None:
        await asyncio.gather(handle("chat-slow", 0.3), handle("chat-quick", 0.0))

    run_async(two_customers())
    assert handled == ["chat-quick", "chat-slow"]
    assert len(in_order) == 0


def test_a_failing_message_frees_the_conversation_for_the_next():
    in_order = InOrder()

    async def fails() -> None:
        async with in_order.turn("chat-maya"):
            raise RuntimeError("the database went away")

    async def then_next() -> str:
        with contextlib.suppress(RuntimeError):
            await fails()
        async with in_order.turn("chat-maya"):
            return "handled"

    assert run_async(then_next()) == "handled"
    assert len(in_order) == 0


def test_across_two_processes_sharing_redis_a_quick_second_message_still_waits():
    # Two SharedInOrder objects with their own Redis clients, as two Rasa processes.
    first, second = SharedInOrder(REDIS_URL), SharedInOrder(REDIS_URL)
    conversation = f"chat-{uuid.uuid4().hex}"
    handled = []

    async def handle(in_order: SharedInOrder, text: str, takes: float, after: float) -> None:
        await asyncio.sleep(after)
        async with in_order.turn(conversation):
            await asyncio.sleep(takes)
            handled.append(text)

    async def at_once() -> None:
        await asyncio.gather(
            handle(first, "my order BW-104119 is late", 0.3, 0.0),
            handle(second, "I want to talk to a person", 0.0, 0.05),
        )
        await first.tickets.aclose()
        await second.tickets.aclose()

    run_async(at_once())
    assert handled == ["my order BW-104119 is late", "I want to talk to a person"]


def test_with_redis_unreachable_a_message_is_still_handled_in_local_order():
    in_order = SharedInOrder(f"redis://127.0.0.1:{free_port()}/0")
    handled = []

    async def handle(text: str, takes: float) -> None:
        async with in_order.turn("chat-maya"):
            await asyncio.sleep(takes)
            handled.append(text)

    async def twice() -> None:
        await asyncio.gather(handle("first", 0.1), handle("second", 0.0))

    run_async(twice())
    assert handled == ["first", "second"]
