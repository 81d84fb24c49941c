"""Keeps the bot silent while a person has the chat — whatever Rasa's own state says.

Rasa's pause (`ConversationPaused`) is lost when a session expires (a new session
starts unpaused) and when the customer restarts the conversation, and a paused
tracker still answers a `/restart`. So the source of truth is Kefu's database: while
the conversation has a waiting or active handoff, each customer message is logged in
the tracker without any prediction (the pause is put back if something cleared it)
and written to the handoff's events, which the agent's console streams. While the
chat still waits for a person, the customer hears now and then that their message
was added for the agent (helpdesk/handoffs/waiting_ack.py). Rasa's pause follows
the database, written only through kefu_rasa/pause.py: after a turn of the bot that
handed the chat over, when a message is logged for the agent, when the web app says
a handoff ended (`match_pause_to_desk`), and, before the bot answers, when a pause
was left behind by a handoff that is over (say, the web app could not reach Rasa).

While the database is down the guard cannot ask it; it goes by Rasa's own pause
instead, and keeps the messages meant for the agent in a local spool
(kefu_rasa/message_spool.py) until the database is back.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from datetime import timedelta
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import UserMessage

from helpdesk.config import Settings
from helpdesk.conversation_records import ConversationRecords, MessageRoute
from helpdesk.db import Database
from helpdesk.desk_texts import DeskTexts
from helpdesk.handoffs.waiting_ack import WaitingAcknowledger
from helpdesk.models import utcnow
from helpdesk.records import RecordsUnavailable
from helpdesk.typing_signals import CustomerTyping
from kefu_rasa.message_spool import MessageSpool, SpooledMessage
from kefu_rasa.pause import log_for_agent, set_paused
from kefu_rasa.silence import is_paused

logger = logging.getLogger(__name__)
SPOOL_RETRY_SECONDS = 2.0
_records: Optional[ConversationRecords] = None
_spool: Optional[MessageSpool] = None
_spool_task: Optional[asyncio.Task] = None
_acknowledger: Optional[WaitingAcknowledger] = None


def conversation_records() -> ConversationRecords:
    global _records
    if _records is None:
        settings = Settings.from_env()
        _records = ConversationRecords(
            Database(settings.database_url, settings.db_timeout_seconds),
            DeskTexts(settings.knowledge_base_dir),
        )
    return _records


def message_spool() -> MessageSpool:
    global _spool
    if _spool is None:
        _spool = MessageSpool(Settings.from_env().spool_path)
    return _spool


def shown_text(message: UserMessage) -> str:
    """What the customer saw themselves send: a button's title, not its payload."""
    metadata = message.metadata if isinstance(message.metadata, dict) else {}
    display = metadata.get("display_text")
    if isinstance(display, str) and display.strip():
        return display
    return message.text or ""


def _write_spooled(message: SpooledMessage) -> None:
    conversation_records().route_customer_message(
        message.conversation_id, message.text, message.at, message.message_id
    )


async def deliver_spooled() -> bool:
    """Writes the messages kept while the database was down; True when none is
    left waiting."""
    spool = message_spool()
    try:
        await asyncio.to_thread(spool.deliver, _write_spooled)
        return spool.is_drained()
    except RecordsUnavailable as error:
        logger.warning("messages for agents still wait for the database: %s", error)
        return False
    except sqlite3.Error as error:
        logger.error("could not read the spool of messages for agents: %s", error)
        return False


async def _keep_delivering() -> None:
    """One task per Rasa process delivers the spool, so messages go in order."""
    while not await deliver_spooled():
        await asyncio.sleep(SPOOL_RETRY_SECONDS)


def _start_delivering() -> asyncio.Task:
    """The process's one delivery of its spool, started when none runs."""
    global _spool_task
    if _spool_task is None or _spool_task.done():
        _spool_task = asyncio.create_task(_keep_delivering())
    return _spool_task


async def _spool_for_agent(message: UserMessage) -> None:
    """Keeps the message for the agent, then logs it in the conversation: in this
    order, a process killed in between has spooled a message the widget will send
    again (kept once, by its id), rather than logged one that the widget's resend
    then skips (kefu_rasa/resent.py) and the agent never gets."""
    spooled = SpooledMessage(message.sender_id, shown_text(message), utcnow(), message.message_id)
    await asyncio.to_thread(message_spool().put, spooled)
    _start_delivering()
    await log_for_agent(message)


async def resume_spooled() -> Optional[asyncio.Task]:
    """At the Rasa server's start: delivers what was spooled before it stopped,
    without waiting for the next message of a chat with a person, and makes new
    messages of those chats queue behind it. The delivery, when anything waits."""
    try:
        waiting = await asyncio.to_thread(message_spool().recall)
    except sqlite3.Error as error:
        logger.error("could not read the spool of messages for agents: %s", error)
        return None
    if not waiting:
        return None
    logger.info("delivering the messages for agents spooled before the restart")
    return _start_delivering()


def deliver_spool_on_start(blueprint: Any) -> None:
    """Registers `resume_spooled` to run when the server has started (each of
    Kefu's channels asks; the second ask finds the delivery running)."""

    async def start(_app: Any, _loop: Any) -> None:
        await resume_spooled()

    blueprint.listener("after_server_start")(start)


async def _route(message: UserMessage) -> Optional[MessageRoute]:
    """Where the message goes, or None when the database cannot say."""
    try:
        return await asyncio.to_thread(
            conversation_records().route_customer_message,
            message.sender_id,
            shown_text(message),
            utcnow(),
            # the widget's id: a message resent after a lost connection is kept once
            message.message_id,
        )
    except RecordsUnavailable as error:
        logger.error("could not check for a handoff: %s", error)
        return None


async def _open_handoff(sender_id: str) -> Optional[int]:
    """The conversation's waiting or active handoff; None also when the database
    cannot say (then Rasa's pause stays as it is)."""
    try:
        return await asyncio.to_thread(conversation_records().open_handoff_for, sender_id)
    except RecordsUnavailable as error:
        logger.warning("could not check for a handoff: %s", error)
        return None


async def match_pause_to_desk(sender_id: str) -> None:
    """Makes Rasa's pause say what the database says: paused while the
    conversation has a waiting or active handoff, else not. The web app asks for
    this (through the channel's authenticated route) when a handoff ends."""
    try:
        held = await asyncio.to_thread(conversation_records().open_handoff_for, sender_id)
    except RecordsUnavailable as error:
        logger.warning("could not check for a handoff: %s", error)
        return
    await set_paused(sender_id, held is not None)


def waiting_acknowledger() -> WaitingAcknowledger:
    global _acknowledger
    if _acknowledger is None:
        settings = Settings.from_env()
        records = conversation_records()
        _acknowledger = WaitingAcknowledger(
            records.db, records.texts, timedelta(minutes=settings.waiting_ack_minutes)
        )
    return _acknowledger


async def _acknowledge_while_waiting(message: UserMessage, handoff_id: int) -> None:
    """While nobody holds the chat yet the bot stays silent, but the customer
    hears (now and then) that their message was added for the agent."""
    try:
        text = await asyncio.to_thread(
            waiting_acknowledger().acknowledgement, handoff_id, utcnow()
        )
    except RecordsUnavailable as error:
        logger.warning("could not check whether to acknowledge a waiting message: %s", error)
        return
    if text:
        await message.output_channel.send_response(
            message.sender_id, {"text": text, "sender": "system", "handoff": {"status": "waiting"}}
        )


def hold_for_agent(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
) -> Callable[[UserMessage], Awaitable[None]]:
    """Wraps a channel's message handler: messages of chats with a person go to
    the person, the rest to the bot."""

    async def handle(message: UserMessage) -> None:
        if message_spool().is_waiting(message.sender_id) and await is_paused(message.sender_id):
            # Earlier messages of this chat still wait for the database: this one
            # queues behind them, so the agent reads them in the order they came.
            await _spool_for_agent(message)
            return
        route = await _route(message)
        if route is None and await is_paused(message.sender_id):
            # The database is down and Rasa says a person has the chat: the bot
            # stays silent and the message waits for the database, for the agent.
            await _spool_for_agent(message)
            return
        if route is None:
            # Without the database the bot answers (and apologises for what it
            # cannot look up) rather than leave the customer in silence.
            await on_new_message(message)
            return
        if route.held_by_handoff is not None:
            await log_for_agent(message)
            await _acknowledge_while_waiting(message, route.held_by_handoff)
            return
        if route.handed_off_before:
            await set_paused(message.sender_id, False)  # one left behind by a handoff
        await on_new_message(message)
        if await _open_handoff(message.sender_id) is not None:
            # This turn handed the chat over: Rasa's pause follows the database.
            await set_paused(message.sender_id, True)

    return handle


async def note_presence(session_id: str, present: bool) -> None:
    """Records that a customer's chat window connected or went away."""
    try:
        await asyncio.to_thread(
            conversation_records().customer_presence, session_id, present, utcnow()
        )
    except RecordsUnavailable as error:
        logger.warning("could not record the customer's presence: %s", error)


async def note_customer_typing(session_id: str) -> None:
    """Records that the customer is typing in a chat with a person, for the
    console (helpdesk/typing_signals.py); nothing when the bot has the chat."""
    try:
        await asyncio.to_thread(
            CustomerTyping(conversation_records().db).note, session_id, utcnow()
        )
    except RecordsUnavailable as error:
        logger.warning("could not record that the customer is typing: %s", error)
