"""Looks after chats nobody can take: every few seconds the web app turns waiting
chats that were not claimed in time, whose customer left, or that are still
waiting when support closes into tickets, and tells the customer in the chat; and
it tells every waiting customer whose place in the queue changed, or whose quoted
wait has passed.

With several web processes on one database only one sweeps at a time: the one
holding the "sweeper" lease (helpdesk/leases.py), renewed every round. Another
process takes over once a holder stops renewing (it died, or lost the database)
for the lease's time to live; the one that is shutting down gives it up at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from datetime import timedelta

from starlette.concurrency import run_in_threadpool

from helpdesk.handoffs.queue_position import QueuePositions
from helpdesk.leases import Leases
from helpdesk.records import RecordsUnavailable
from webapp.dependencies import AppState

logger = logging.getLogger(__name__)
SWEEPER_LEASE = "sweeper"
# The lease outlives a few missed rounds, so a slow round does not hand it over.
MIN_LEASE_SECONDS = 30.0


async def sweep_once(state: AppState) -> int:
    """Converts what is due now; returns how many chats became tickets. Also says
    the ticket replies that could not reach their chat before, and gives waiting
    chats to online agents (taking them back from agents who stay silent)."""
    await state.delivery.deliver_ticket_replies(state.records)
    outcomes = await run_in_threadpool(state.desk.sweep, state.now())
    for outcome in outcomes:
        await state.delivery.send_all(outcome.entry.conversation_id, outcome.notices)
    assigned = await run_in_threadpool(state.assigner.run, state.now())
    for outcome in assigned:
        await state.delivery.send_all(outcome.entry.conversation_id, outcome.notices)
    # Every round: chats the bot queued since (a Premier one may have jumped ahead)
    # change the queue as much as what happened here.
    await state.delivery.tell_queue_positions(queue_positions(state), state.now())
    return len(outcomes)


def queue_positions(state: AppState) -> QueuePositions:
    """What tells waiting customers their place (helpdesk/handoffs/queue_position.py)."""
    every = timedelta(minutes=state.settings.queue_update_minutes)
    return QueuePositions(state.db, state.texts, update_every=every)


def sweeper_holder() -> str:
    """This process's name as a lease holder: host, pid and a random part (a pid
    may come back after a restart, or in another container)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def lease_time(interval_seconds: float) -> timedelta:
    return timedelta(seconds=max(3 * interval_seconds, MIN_LEASE_SECONDS))


async def run_sweeper(state: AppState, interval_seconds: float) -> None:
    leases = Leases(state.db)
    holder = sweeper_holder()
    ttl = lease_time(interval_seconds)
    try:
        while True:
            try:
                if await run_in_threadpool(leases.hold, SWEEPER_LEASE, holder, ttl, state.now()):
                    converted = await sweep_once(state)
                    if converted:
                        logger.info("turned %d unclaimed chat(s) into tickets", converted)
            except RecordsUnavailable as error:
                logger.warning("could not check for unclaimed chats: %s", error)
            except Exception:  # the loop must survive anything one round throws
                logger.exception("checking for unclaimed chats failed")
            await asyncio.sleep(interval_seconds)
    finally:
        with contextlib.suppress(Exception):  # shutting down: the lease runs out anyway
            await run_in_threadpool(leases.release, SWEEPER_LEASE, holder)
