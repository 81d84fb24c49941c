"""The one writer of Rasa's pause (`ConversationPaused` / `ConversationResumed`).

Whether a person has the chat is decided by Kefu's database (a waiting or active
handoff, helpdesk/handoffs/); Rasa's pause is the copy of that decision inside the
tracker, which the guard (kefu_rasa/handoff_guard.py) goes by while the database is
down and which keeps Rasa's own policies from answering. Only this module writes
it, at the moments the guard sees the database change:

- a customer's message goes to the person: logged without any prediction, and the
  tracker paused if it was not (`log_for_agent`);
- a turn of the bot opened a handoff (the escalation action ends its turn with
  `action_listen`; it does not pause): paused right after the turn;
- a handoff ended (the web app resolves, hands back or turns it into a ticket and
  tells this process through the channel's authenticated route), or a message comes
  to a conversation whose handoff is over: resumed (`set_paused(..., False)`).

The action server and the web app never write the pause themselves.
"""

from __future__ import annotations

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, ConversationPaused, ConversationResumed
from rasa.shared.core.trackers import DialogueStateTracker

from kefu_rasa.silence import running_agent


def _listened_last(tracker: DialogueStateTracker) -> bool:
    return tracker.latest_action_name == ACTION_LISTEN_NAME


def _agree(tracker: DialogueStateTracker, paused: bool) -> bool:
    """Makes `tracker`'s pause `paused`; whether it changed anything."""
    if tracker.is_paused() == paused:
        return False
    if paused:
        tracker.update(ConversationPaused())
        return True
    tracker.update(ConversationResumed())
    # As if the bot had just listened, so its policies see an ordinary turn when
    # the customer writes next.
    if not _listened_last(tracker):
        tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
    return True


async def set_paused(sender_id: str, paused: bool) -> None:
    """Makes the conversation's pause `paused` (nothing for a conversation Rasa
    does not know, or outside a Rasa server)."""
    agent = running_agent()
    if agent is None or agent.tracker_store is None:
        return
    async with agent.lock_store.lock(sender_id):
        tracker = await agent.tracker_store.retrieve(sender_id)
        if tracker is not None and _agree(tracker, paused):
            await agent.tracker_store.save(tracker)


async def log_for_agent(message: UserMessage) -> None:
    """Logs a message meant for the person in the tracker without any prediction,
    paused so Rasa's policies stay out of it."""
    agent = running_agent()
    if agent is None:
        return
    async with agent.lock_store.lock(message.sender_id):
        tracker = await agent.processor.log_message(message, should_save_tracker=False)
        # As if the bot had listened: when it takes over again, its policies see an
        # ordinary conversation, not a string of unanswered messages.
        tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
        _agree(tracker, True)
        await agent.processor.save_tracker(tracker)
