"""Waiting customers' place and quoted wait stay true: whoever's place changes is
told (forward or back), nobody twice the same, and a wait that runs longer than
quoted is owned up to at most once per interval, in the chat's language."""

from datetime import timedelta

from sqlalchemy import update

from helpdesk.conversation_records import NewHandoff
from helpdesk.handoffs.queue_position import QueuePositions
from helpdesk.models import Handoff
from tests.conftest import OPEN_HOURS, queue_chat

NOW = OPEN_HOURS
EVERY = timedelta(minutes=5)


def _told(positions, at=NOW):
    return {item.conversation_id: item.notice for item in positions.tell(at)}


def _chat(conversations, conversation_id, priority, at=NOW, language=None):
    return conversations.create_handoff(
        NewHandoff(
            conversation_id=conversation_id,
            reason="customer_request",
            transcript=[],
            collected={},
            priority=priority,
            created_at=at,
            language=language,
        )
    )


def test_a_premier_chat_jumping_ahead_moves_the_standard_customer_back_and_tells_them(
    conversations, demo_db
):
    positions = QueuePositions(demo_db, update_every=EVERY)
    _chat(conversations, "standard-1", priority=2)
    second = _chat(conversations, "standard-2", priority=2)
    assert second.queue_position == 2
    assert _told(positions) == {}  # both heard their place when they were queued
    _chat(conversations, "premier", priority=9)  # queued first among them: it jumps ahead
    told = _told(positions)
    assert set(told) == {"standard-1", "standard-2"}
    assert told["standard-1"].text.startswith("A chat that needed us more urgently came in")
    assert "you are now number 2 in line" in told["standard-1"].text
    assert "you are now number 3 in line" in told["standard-2"].text
    assert told["standard-2"].metadata["handoff"] == {"status": "waiting", "queue_position": 3}


def test_nobody_is_told_the_same_place_twice(conversations, demo_db, desk, alex):
    positions = QueuePositions(demo_db, update_every=EVERY)
    first = queue_chat(conversations, "first", priority=5)
    queue_chat(conversations, "second", priority=4)
    queue_chat(conversations, "third", priority=3)
    desk.claim(first, alex, NOW)
    told = _told(positions)
    assert told["second"].text.startswith("Good news: you're next in the queue")
    assert told["third"].text.startswith("You are now number 2 in line")
    assert _told(positions) == {}
    assert _told(positions, NOW + timedelta(seconds=30)) == {}


def test_two_passes_at_once_tell_each_customer_once(conversations, demo_db, desk, alex):
    first = queue_chat(conversations, "first", priority=5)
    queue_chat(conversations, "second", priority=3)
    desk.claim(first, alex, NOW)
    one, other = QueuePositions(demo_db), QueuePositions(demo_db)
    assert len(one.tell(NOW)) + len(other.tell(NOW)) == 1


def test_a_quoted_wait_that_passes_is_owned_up_to_once_per_interval(
    conversations, demo_db, desk, alex
):
    for n, minutes in enumerate((2, 3, 4)):  # agents lately picked chats up within 3 minutes
        earlier = queue_chat(conversations, f"earlier-{n}")
        desk.claim(earlier, alex, NOW + timedelta(minutes=minutes))
    queued_at = NOW + timedelta(minutes=10)
    _chat(conversations, "ahead", priority=9, at=queued_at)
    waiting = _chat(conversations, "waiting", priority=2, at=queued_at)
    assert waiting.typical_wait == timedelta(minutes=3) and waiting.queue_position == 2
    positions = QueuePositions(demo_db, update_every=EVERY)
    assert _told(positions, queued_at + timedelta(minutes=2)) == {}  # within the quote
    late = _told(positions, queued_at + timedelta(minutes=3))
    assert late["waiting"].text == (
        "It's taking longer than we said, sorry. You're still number 2 in line, "
        "and we haven't forgotten you."
    )
    assert "waiting" not in _told(positions, queued_at + timedelta(minutes=7))
    assert "waiting" in _told(positions, queued_at + timedelta(minutes=8))  # one interval on


def test_a_chat_quoted_no_wait_hears_it_is_remembered_after_an_interval(conversations, demo_db):
    waiting = _chat(conversations, "waiting", priority=2)
    assert waiting.typical_wait is None
    positions = QueuePositions(demo_db, update_every=EVERY)
    assert _told(positions, NOW + timedelta(minutes=4)) == {}
    [notice] = _told(positions, NOW + timedelta(minutes=5)).values()
    assert notice.text == "Thanks for waiting. You're still number 1 in line, and we haven't forgotten you."


def test_a_customer_who_closed_the_chat_hears_no_reminders(conversations, demo_db):
    waiting = _chat(conversations, "waiting", priority=2)
    conversations.customer_presence("waiting", False, NOW)
    positions = QueuePositions(demo_db, update_every=EVERY)
    assert _told(positions, NOW + timedelta(minutes=6)) == {}
    with demo_db.session() as session:  # still counted: the place is told when it changes
        row = session.get(Handoff, waiting.id)
        assert row.queue_told_position == 1


def test_a_chinese_chat_hears_its_new_place_and_the_late_wait_in_chinese(
    conversations, demo_db
):
    positions = QueuePositions(demo_db, update_every=EVERY)
    _chat(conversations, "zh-chat", priority=2, language="zh")
    _chat(conversations, "premier", priority=9)
    [back] = _told(positions).values()
    assert back.text == "刚有一位情况更紧急的顾客排到了前面，您现在排在第 2 位。抱歉，我们没有忘记您。"
    late = _told(positions, NOW + EVERY)["zh-chat"]
    assert late.text == "感谢您的耐心等待。您仍排在第 2 位，我们没有忘记您。"


def test_the_agents_read_in_the_chats_log_what_the_customer_was_told(
    conversations, demo_db, desk
):
    waiting = _chat(conversations, "standard", priority=2)
    _chat(conversations, "premier", priority=9)
    QueuePositions(demo_db).tell(NOW)
    assert desk.detail(waiting.id).events[-1].body == (
        "A more urgent chat came in: the customer was told they are now number 2 in the queue."
    )


def test_a_chat_sent_back_to_the_queue_hears_its_place_again(conversations, demo_db, desk, alex):
    chat = queue_chat(conversations, "chat", priority=5)
    desk.claim(chat, alex, NOW)
    _chat(conversations, "urgent", priority=9)
    with demo_db.session() as session:  # as the assigner requeues a silent agent's chat
        session.execute(
            update(Handoff).where(Handoff.id == chat).values(status="waiting", agent_id=None)
        )
    told = _told(QueuePositions(demo_db))
    assert "you are now number 2 in line" in told["chat"].text
