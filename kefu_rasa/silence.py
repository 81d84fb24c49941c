"""The bot never goes silent: if handling a message produced no reply (the action
server is down, an action crashed, the model failed) the customer still gets an
apology and a way to reach a person. Silence is only right while the conversation
is paused for a human agent."""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Sanic
from sanic.exceptions import SanicException

from helpdesk.company import load_company
from helpdesk.config import Settings

logger = logging.getLogger(__name__)
RASA_APP_NAMES = ("rasa_server", "rasa_core_no_api")


class CountingOutputChannel(OutputChannel):
    """Passes every message on to the real channel and counts them."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    def name(self) -> str:  # type: ignore[override]
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text, **kwargs})


def apology_text() -> str:
    try:
        facts = load_company(Settings.from_env().knowledge_base_dir)
        contact = f" If it keeps happening, please email {facts.support_email} or call {facts.support_phone}."
    except Exception:  # the apology must not depend on anything that can break
        contact = ""
    return (
        "Sorry, something went wrong on my side and I couldn't answer that. "
        f"Please try again in a moment.{contact}"
    )


async def is_paused(sender_id: str) -> bool:
    agent = running_agent()
    if agent is None or agent.tracker_store is None:
        return False
    try:
        tracker = await agent.tracker_store.retrieve(sender_id)
    except Exception:
        logger.exception("could not read the tracker to check for a pause")
        return False
    return bool(tracker and tracker.is_paused())


def running_agent() -> Optional[Any]:
    """The Rasa `Agent` of the server this code runs in (None outside a server)."""
    for name in RASA_APP_NAMES:
        try:
            return Sanic.get_app(name).ctx.agent
        except (SanicException, AttributeError):
            continue
    return None


def never_silent(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
) -> Callable[[UserMessage], Awaitable[None]]:
    """Wraps a channel's message handler with the apology safety net."""

    async def handle(message: UserMessage) -> None:
        counter = CountingOutputChannel(message.output_channel)
        message.output_channel = counter
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("handling a message failed")
        if counter.sent == 0 and not await is_paused(message.sender_id):
            await counter.send_text_message(message.sender_id, apology_text())

    return handle
