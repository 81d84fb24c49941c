"""What every customer message goes through before Rasa may answer it.

- Kefu's channels stamp each message with where it came from (helpdesk/
  chat_metadata.py), so the actions can count verification attempts per client
  without trusting the client.
- A message longer than `KEFU_MAX_MESSAGE_CHARS` is not parsed: Rasa runs its NLU
  on the event loop that serves every conversation, and a 200,000-character message
  used to freeze them all for most of a minute. It is kept in the conversation,
  word for word, and answered with `utter_message_too_long` in the language the
  message is written in (or the conversation's).
- Then the handoff guard (a person may have the chat) and the never-silent safety
  net, in that order.
- All of it one message of a conversation at a time, in the order they came
  (kefu_rasa/in_order.py); a message the widget sent again after losing its
  socket is skipped when the conversation already has it (kefu_rasa/resent.py).
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from helpdesk.chat_metadata import STAMP_KEY
from helpdesk.config import Settings
from kefu_rasa.handoff_guard import hold_for_agent
from kefu_rasa.in_order import in_order_for
from kefu_rasa.language_policy import LANGUAGE_SLOT
from kefu_rasa.resent import already_handled
from kefu_rasa.silence import (
    apology_for,
    apology_text,
    decided_language,
    never_silent,
    running_agent,
)

logger = logging.getLogger(__name__)
TOO_LONG_RESPONSE = "utter_message_too_long"
# The intent a message too long to parse is logged with: a default intent every
# domain has, marked in the metadata so it never counts as a misunderstanding.
TOO_LONG_INTENT = "nlu_fallback"

_settings: Optional[Settings] = None


def settings() -> Settings:
    global _settings
    if _settings is None:
        _settings = Settings.from_env()
    return _settings


def is_too_long(text: str, limit: int) -> bool:
    return len(text or "") > limit


def kefu_message_handler(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
) -> Callable[[UserMessage], Awaitable[None]]:
    """Wraps a channel's message handler with everything above."""
    guarded = hold_for_agent(never_silent(on_new_message))
    in_order = in_order_for(settings().redis_url)

    async def handle(message: UserMessage) -> None:
        async with in_order.turn(message.sender_id):
            await _handle(message)

    async def _handle(message: UserMessage) -> None:
        if await already_handled(message):
            logger.info("a resent message was already handled; skipped it")
            return
        limit = settings().max_message_chars
        if is_too_long(message.text or "", limit):
            try:
                await answer_too_long(message, limit)
            except Exception:
                logger.exception("could not answer a message that was too long")
                await message.output_channel.send_text_message(
                    message.sender_id, await apology_for(message)
                )
            return
        await guarded(message)

    return handle


async def answer_too_long(message: UserMessage, limit: int) -> None:
    """Keeps the message in the conversation without parsing it, and asks for a
    shorter one. The dialogue is otherwise untouched: a form in progress carries on
    with the customer's next message."""
    agent = running_agent()
    if agent is None:  # outside a Rasa server (unit tests of the channels)
        await message.output_channel.send_text_message(
            message.sender_id, await apology_for(message)
        )
        return
    metadata = dict(message.metadata or {})
    metadata.setdefault(STAMP_KEY, {})["too_long"] = True
    async with agent.lock_store.lock(message.sender_id):
        processor = agent.processor
        tracker = await processor.fetch_tracker_and_update_session(
            message.sender_id, message.output_channel, metadata
        )
        tracker.update(
            UserUttered(
                message.text,
                parse_data={
                    "text": message.text,
                    "intent": {"name": TOO_LONG_INTENT, "confidence": 1.0},
                    "entities": [],
                    "intent_ranking": [],
                },
                input_channel=message.input_channel,
                message_id=message.message_id,
                metadata=metadata,
            )
        )
        # No policy runs for this message, so its language is kept here, as
        # kefu_rasa/language_policy.py would: the answer is in it.
        slot = tracker.get_slot(LANGUAGE_SLOT)
        language = decided_language(message.text or "", metadata, slot)
        if language and language != slot and LANGUAGE_SLOT in tracker.slots:
            tracker.update(SlotSet(LANGUAGE_SLOT, language))
        reply = await processor.nlg.generate(
            TOO_LONG_RESPONSE,
            tracker,
            message.output_channel.name(),
            max_chars=f"{limit:,}",
            length=f"{len(message.text):,}",
        )
        reply = reply or {"text": apology_text(language)}
        tracker.update(ActionExecuted(TOO_LONG_RESPONSE))
        tracker.update(
            BotUttered(
                reply.get("text"),
                {k: v for k, v in reply.items() if k not in ("text", "metadata")},
                reply.get("metadata") or {},
            )
        )
        tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
        await processor.save_tracker(tracker)
    await message.output_channel.send_response(message.sender_id, reply)
