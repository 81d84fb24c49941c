"""Customers typing, as the console's event stream tells it (webapp/routers/
handoffs.py `_stream`): the signals the Rasa channel writes in the handoffs
(helpdesk/typing_signals.py), read about once a second per web process for all
its streams (`AppState.typing_now`). No broker message says a customer typed, so
this read keeps its own pace in scaled mode too."""

from __future__ import annotations

from datetime import datetime
from typing import Dict, List

from pydantic import BaseModel, Field

from helpdesk.typing_signals import TypingSignal
from webapp.dependencies import AppState
from webapp.stream_feed import StreamFeed


class CustomerTypingOut(BaseModel):
    handoff_id: int
    at: datetime = Field(..., description="When the customer's typing was last recorded")


def signal_out(signal: TypingSignal) -> CustomerTypingOut:
    return CustomerTypingOut(handoff_id=signal.handoff_id, at=signal.at)


class CustomerTypingFeed(StreamFeed):
    """What one console's event stream has said about customers typing: each new
    signal once, as a server-sent `typing` message (no `id`, so it never moves
    the stream's event cursor). It asks on every turn of the stream; the shared
    read behind it goes to the database at most every second, for the chats typed
    in within the last few seconds, so the signals of several Rasa processes whose
    clocks differ a little are all seen."""

    every_seconds = 0.0  # the shared read keeps the pace

    def __init__(self, state: AppState) -> None:
        self.state = state
        self.told: Dict[int, datetime] = {}

    async def fetch(self, loop_time: float) -> List[str]:
        return self.tell(await self.state.typing_now.value(loop_time))

    def tell(self, signals: List[TypingSignal]) -> List[str]:
        new = [s for s in signals if self.told.get(s.handoff_id) != s.at]
        self.told = {s.handoff_id: s.at for s in signals}
        return [f"event: typing\ndata: {signal_out(s).json()}\n\n" for s in new]
