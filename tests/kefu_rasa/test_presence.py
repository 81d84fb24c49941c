"""kefu_rasa/presence.py on this machine's Redis: a customer's chat windows held by
two Rasa processes count together, a dead process's windows stop counting after
their lifetime, and without Redis a process goes by its own sockets."""

from __future__ import annotations

import asyncio
import secrets

from kefu_rasa.presence import LocalPresence, SharedPresence, presence_for
from ops.servers import free_ports
from tests.conftest import run_async

REDIS_URL = "redis://127.0.0.1:6379/0"


def a_session() -> str:
    return f"presence-test-{secrets.token_hex(8)}"


def test_a_window_on_another_process_keeps_the_customer_present():
    async def scenario() -> tuple:
        rasa_1, rasa_2 = SharedPresence(REDIS_URL), SharedPresence(REDIS_URL)
        session = a_session()
        try:
            await rasa_1.joined(session, "sid-a")
            await rasa_2.joined(session, "sid-b")
            first_closed = await rasa_1.others_present(session, "sid-a")
            second_closed = await rasa_2.others_present(session, "sid-b")
            return first_closed, second_closed
        finally:
            await rasa_1.close()
            await rasa_2.close()

    assert run_async(scenario()) == (True, False)


def test_the_windows_of_a_process_that_died_stop_counting_after_their_lifetime():
    async def scenario() -> tuple:
        dead = SharedPresence(REDIS_URL, lifetime_seconds=0.3)
        alive = SharedPresence(REDIS_URL)
        session = a_session()
        try:
            await dead.joined(session, "sid-dead")
            await alive.joined(session, "sid-alive")
            if dead._renewing is not None:
                dead._renewing.cancel()  # the process is gone: nobody renews its windows
            await asyncio.sleep(0.5)
            return await alive.others_present(session, "sid-alive")
        finally:
            await dead.close()
            await alive.close()

    assert run_async(scenario()) is False


def test_open_windows_are_renewed_while_they_stay_open():
    async def scenario() -> bool:
        keeper = SharedPresence(REDIS_URL, lifetime_seconds=0.6)
        other = SharedPresence(REDIS_URL)
        session = a_session()
        try:
            await keeper.joined(session, "sid-open")
            await other.joined(session, "sid-other")
            await asyncio.sleep(1.5)  # more than twice the lifetime
            return await other.others_present(session, "sid-other")
        finally:
            await keeper.close()
            await other.close()

    assert run_async(scenario()) is True


def test_with_redis_unreachable_a_process_goes_by_its_own_sockets():
    [closed] = free_ports(1)

    async def scenario() -> bool:
        presence = SharedPresence(f"redis://127.0.0.1:{closed}/0", socket_timeout=0.5)
        try:
            await presence.joined("s", "sid")  # logged, not raised
            return await presence.others_present("s", "sid")
        finally:
            await presence.close()

    assert run_async(scenario()) is False


def test_the_embedded_default_has_no_other_process_to_ask():
    presence = presence_for("")
    assert isinstance(presence, LocalPresence)
    assert run_async(presence.others_present("s", "sid")) is False
