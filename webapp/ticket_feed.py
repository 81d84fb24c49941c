"""What the console's event stream (webapp/routers/handoffs.py `_stream`) tells an
agent about their tickets: a customer replied on one (helpdesk/sql_records.py
writes a `TicketEvent` addressed to the ticket's assignee).

These go out as server-sent `ticket` messages without an `id`, so they never move
the stream's handoff-event cursor (Last-Event-ID). Their own cursor starts at the
newest ticket event when the stream opens: a reply that came while the console was
away is not announced afterwards, but the Tickets list (refreshed on a timer)
shows the ticket open again. Each stream reads its agent's at most every 2 s.

Scaled, the writers of desk changes announce which tables they wrote
(helpdesk/desk_announcer.py), and the process's live feed counts the notices that
touched ticket events (`LiveFeed.ticket_changes`): while it follows the broker, a
stream reads only when that count moved, or every 30 s in case a notice was lost,
rather than every 2 s for every open console. The embedded default has no notices
from the Rasa and action servers, so there it reads every 2 s."""

from __future__ import annotations

from typing import List, Optional

from starlette.concurrency import run_in_threadpool

from webapp.agent_views import ticket_event_out
from webapp.dependencies import AppState
from webapp.stream_feed import StreamFeed

SAFETY_SECONDS = 30.0  # following the broker: read at least this often anyway


class TicketEventFeed(StreamFeed):
    every_seconds = 2.0

    def __init__(self, state: AppState, token: str) -> None:
        self.state = state
        self.token = token
        self.agent_id: Optional[int] = None
        self.cursor: Optional[int] = None
        self.changes_seen: Optional[int] = None  # the live feed's count at the last read
        self.read_at = float("-inf")

    async def fetch(self, loop_time: float) -> List[str]:
        live = self.state.live
        if (
            live.broker_connected
            and self.cursor is not None
            and self.changes_seen == live.ticket_changes
            and loop_time - self.read_at < SAFETY_SECONDS
        ):
            return []  # no notice touched ticket events since the last read
        # Taken before the read: a notice that comes while it runs reads again.
        self.changes_seen, self.read_at = live.ticket_changes, loop_time
        live.ticket_reads += 1
        return await run_in_threadpool(self.read)

    def read(self) -> List[str]:
        state = self.state
        if self.agent_id is None:
            agent = state.accounts.agent_for_token(self.token, state.now())
            if agent is None:
                return []  # the stream itself notices the session ended
            self.agent_id = agent.id
        if self.cursor is None:
            self.cursor = state.records.latest_ticket_event_id()
            return []
        events = state.records.ticket_events_after(self.cursor, self.agent_id)
        if events:
            self.cursor = events[-1].id
        return [f"event: ticket\ndata: {ticket_event_out(e).json()}\n\n" for e in events]
