"""What one agent's console hears on GET /api/events/stream (server-sent events,
read by webapp/static/console/console-live.js): `ready` with the cursor, then each
new handoff event with its id (so a reconnecting EventSource resumes with
Last-Event-ID), `typing` and `ticket` messages, `signed_out` when the session
ended, `unavailable` while the database is down, and a heartbeat comment.

The handoff events come from the process's shared reader (webapp/live_feed.py),
which the stream waits on instead of querying; typing and ticket messages from its
side feeds (webapp/typing_feed.py, webapp/ticket_feed.py), each at its own pace."""

from __future__ import annotations

import asyncio
import json
from typing import AsyncIterator

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from helpdesk.records import RecordsUnavailable
from webapp.agent_views import event_out
from webapp.dependencies import AppState
from webapp.ticket_feed import TicketEventFeed
from webapp.typing_feed import CustomerTypingFeed

# The longest a stream waits for the shared reader before its side feeds (typing,
# tickets) get their turn and it looks whether the console is still there.
STREAM_TICK_SECONDS = 0.25
STREAM_HEARTBEAT_SECONDS = 15.0
STREAM_RECHECK_SESSION_SECONDS = 60.0


async def console_stream(
    request: Request, state: AppState, cursor: int, token: str
) -> AsyncIterator[str]:
    """The stream of the console signed in with `token`, from the event after
    `cursor` on."""
    loop = asyncio.get_running_loop()
    last_output = last_session_check = loop.time()
    typing = CustomerTypingFeed(state)  # customers typing, as `typing` messages
    tickets = TicketEventFeed(state, token)  # replies on the agent's tickets, as `ticket`
    subscription = state.live.subscribe(cursor)
    try:
        yield f"retry: 2000\nevent: ready\ndata: {json.dumps({'cursor': cursor})}\n\n"
        while not await request.is_disconnected():
            now = loop.time()
            try:
                if now - last_session_check > STREAM_RECHECK_SESSION_SECONDS:
                    last_session_check = now
                    agent = await run_in_threadpool(
                        state.accounts.agent_for_token, token, state.now()
                    )
                    if agent is None:
                        yield "event: signed_out\ndata: {}\n\n"
                        return
                if subscription.behind:  # joined with an older cursor: its own backlog
                    new = await state.live.catch_up(subscription)
                else:
                    new = subscription.take()
            except RecordsUnavailable:
                subscription.unavailable = True
                new = []
            for event in new:
                yield f"id: {event.id}\ndata: {event_out(event).json()}\n\n"
                last_output = now
            if subscription.unavailable:
                subscription.unavailable = False
                last_session_check = 0.0  # the session is checked again once it is back
                yield "event: unavailable\ndata: {}\n\n"
                await asyncio.sleep(2)
            for message in await typing.messages(now):
                yield message
            for message in await tickets.messages(now):
                yield message
            if now - last_output > STREAM_HEARTBEAT_SECONDS:
                last_output = now
                yield ": keep-alive\n\n"
            if not subscription.behind:
                await subscription.wait(STREAM_TICK_SECONDS)
    finally:
        state.live.unsubscribe(subscription)
