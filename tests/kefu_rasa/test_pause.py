"""Rasa's pause follows the desk, written by one module (kefu_rasa/pause.py): a
paused tracker is paused once, resuming leaves the bot as if it had just listened
(once), and the channel's route that lets the web app ask for it refuses anyone
without Rasa's token."""

from rasa.shared.core.events import ActionExecuted, ConversationPaused, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from kefu_rasa.pause import _agree
from kefu_rasa.socketio import sync_pause
from tests.conftest import run_async

TOKEN = "the-rasa-token"


def tracker(*events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("chat-maya", list(events))


def test_pausing_a_paused_tracker_changes_nothing():
    paused = tracker(UserUttered("I want a person"), ConversationPaused())
    assert not _agree(paused, True)
    assert len(paused.events) == 2 and paused.is_paused()


def test_resuming_leaves_the_bot_as_if_it_had_just_listened_once():
    after_a_form = tracker(
        UserUttered("I want a person"), ActionExecuted("csat_form"), ConversationPaused()
    )
    assert _agree(after_a_form, False) and not after_a_form.is_paused()
    assert after_a_form.latest_action_name == "action_listen"
    listened = tracker(UserUttered("hi"), ConversationPaused(), ActionExecuted("action_listen"))
    assert _agree(listened, False) and not listened.is_paused()
    assert [type(e).__name__ for e in listened.events][-2:] == [
        "ActionExecuted",
        "ConversationResumed",
    ]  # no second listen


def test_the_pause_route_answers_only_rasas_token_and_a_conversation_id():
    body = {"conversation_id": "chat-maya"}
    assert run_async(sync_pause(TOKEN, None, body)) == 401
    assert run_async(sync_pause(TOKEN, "a guess", body)) == 401
    assert run_async(sync_pause("", "", body)) == 401  # no token configured: nobody
    assert run_async(sync_pause(TOKEN, TOKEN, {"conversation_id": ""})) == 400
    assert run_async(sync_pause(TOKEN, TOKEN, ["chat-maya"])) == 400
