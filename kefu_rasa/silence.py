"""The bot never goes silent: if handling a message produced no reply (the action
server is down, an action crashed, the model failed) the customer still gets an
apology and a way to reach a person. Silence is only right while the conversation
is paused for a human agent.

The apology is the catalogue's `chat.apology_with_contact`, in the conversation's
language: what the message itself decides (helpdesk/language.py), else the
tracker's `language` slot, else the company's default.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Sanic
from sanic.exceptions import SanicException

from helpdesk.config import Settings
from helpdesk.desk_texts import DeskTexts
from helpdesk.language import language_of_message
from kefu_rasa.language_policy import HINT_KEY, LANGUAGE_SLOT

logger = logging.getLogger(__name__)
RASA_APP_NAMES = ("rasa_server", "rasa_core_no_api")
# How much of a message is read to tell its language (a long one is not parsed).
LANGUAGE_SAMPLE = 2000
# Said only when even the reply catalogue cannot be read: the customer must never
# be left in silence, so this one sentence cannot come from data.
LAST_RESORT_APOLOGY = "Sorry, something went wrong on my side. Please try again in a moment."


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


def apology_text(language: Optional[str] = None) -> str:
    """The apology in `language`, with the company's contact details when they can
    be read. It must not depend on anything that can break."""
    try:
        texts = DeskTexts(Settings.from_env().knowledge_base_dir)
    except Exception:
        logger.exception("the reply catalogue's place cannot be read")
        return LAST_RESORT_APOLOGY
    try:
        facts = texts.facts(language)
        return texts.say(
            "chat.apology_with_contact",
            language,
            support_email=facts.support_email,
            support_phone=facts.support_phone,
        )
    except Exception:
        logger.exception("the company's contact details cannot be read")
    try:
        return texts.say("chat.apology", language)
    except Exception:
        logger.exception("the reply catalogue cannot be read")
        return LAST_RESORT_APOLOGY


def decided_language(text: str, metadata: Any, slot: Any = None) -> Optional[str]:
    """What a message decides about its conversation's language (its first
    `LANGUAGE_SAMPLE` characters are enough), else the `language` slot's value."""
    hint = metadata.get(HINT_KEY) if isinstance(metadata, dict) else None
    decided = language_of_message((text or "")[:LANGUAGE_SAMPLE], hint)
    return decided or (slot if isinstance(slot, str) else None)


async def conversation_language(message: UserMessage) -> Optional[str]:
    """The language to apologise in: what the message decides, else the
    conversation's `language` slot (None when neither says)."""
    decided = decided_language(message.text or "", message.metadata)
    if decided:
        return decided
    agent = running_agent()
    if agent is None or agent.tracker_store is None:
        return None
    try:
        tracker = await agent.tracker_store.retrieve(message.sender_id)
    except Exception:
        logger.exception("could not read the tracker for the conversation's language")
        return None
    return decided_language("", None, tracker.get_slot(LANGUAGE_SLOT) if tracker else None)


async def apology_for(message: UserMessage) -> str:
    return apology_text(await conversation_language(message))


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
            await counter.send_text_message(message.sender_id, await apology_for(message))

    return handle
