"""The local spool that keeps customers' messages for agents while the database is
down: nothing lost (not even by a process killed while delivering), nothing twice,
the order kept."""

import multiprocessing
import os
import sqlite3
import time
from contextlib import closing
from datetime import datetime, timedelta, timezone

import pytest

from kefu_rasa.message_spool import MessageSpool, SpooledMessage

T0 = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)


def message(n: int, conversation: str = "chat-1") -> SpooledMessage:
    return SpooledMessage(conversation, f"message {n}", T0 + timedelta(seconds=n))


def test_spooled_messages_are_delivered_in_order_with_their_own_time(tmp_path):
    spool = MessageSpool(tmp_path / "spool.db")
    for n in range(5):
        spool.put(message(n))
    assert spool.is_waiting("chat-1") and not spool.is_waiting("chat-2")
    delivered = []
    assert spool.deliver(delivered.append) == 5
    assert delivered == [message(n) for n in range(5)]
    assert len(spool) == 0 and not spool.is_waiting("chat-1")


def test_a_failed_delivery_keeps_the_message_first_in_line(tmp_path):
    spool = MessageSpool(tmp_path / "spool.db")
    for n in range(3):
        spool.put(message(n))
    written = []

    def database_down_after_one(item: SpooledMessage) -> None:
        if written:
            raise ConnectionError("database down")
        written.append(item)

    with pytest.raises(ConnectionError):
        spool.deliver(database_down_after_one)
    assert len(spool) == 2 and spool.is_waiting("chat-1")
    rest = []
    spool.deliver(rest.append)
    assert written + rest == [message(0), message(1), message(2)]


def test_two_processes_sharing_a_spool_deliver_each_message_once(tmp_path):
    first, second = MessageSpool(tmp_path / "spool.db"), MessageSpool(tmp_path / "spool.db")
    for n in range(4):
        first.put(message(n))
    second.put(message(9, "chat-2"))
    got = []
    first.deliver(got.append)
    second.deliver(got.append)
    assert sorted(m.text for m in got) == sorted(f"message {n}" for n in (0, 1, 2, 3, 9))


def with_id(n: int, message_id: str, conversation: str = "chat-1") -> SpooledMessage:
    return SpooledMessage(conversation, f"message {n}", T0 + timedelta(seconds=n), message_id)


def test_a_message_the_widget_sends_again_is_spooled_once(tmp_path):
    spool = MessageSpool(tmp_path / "spool.db")
    assert spool.put(with_id(1, "a1b2c3d4e5f6"))
    assert not spool.put(with_id(1, "a1b2c3d4e5f6"))  # resent after a lost connection
    assert spool.put(with_id(1, "a1b2c3d4e5f6", "chat-2"))  # the same id elsewhere
    assert spool.put(message(2)) and spool.put(message(2))  # no id: two messages
    delivered = []
    spool.deliver(delivered.append)
    assert [(m.conversation_id, m.message_id) for m in delivered] == [
        ("chat-1", "a1b2c3d4e5f6"),
        ("chat-2", "a1b2c3d4e5f6"),
        ("chat-1", None),
        ("chat-1", None),
    ]


def test_a_restarted_process_learns_which_chats_still_wait_in_its_spool(tmp_path):
    MessageSpool(tmp_path / "spool.db").put(with_id(1, "a1b2c3d4e5f6"))
    restarted = MessageSpool(tmp_path / "spool.db")
    assert not restarted.is_waiting("chat-1")  # memory is empty after a restart
    assert restarted.recall() and restarted.is_waiting("chat-1")
    delivered = []
    assert restarted.deliver(delivered.append) == 1
    assert delivered == [with_id(1, "a1b2c3d4e5f6")]
    assert not restarted.is_waiting("chat-1") and not restarted.recall()


def test_nothing_to_recall_without_a_spool_file(tmp_path):
    spool = MessageSpool(tmp_path / "never-written.db")
    assert not spool.recall() and not (tmp_path / "never-written.db").exists()


def test_a_spool_file_from_before_message_ids_keeps_its_messages(tmp_path):
    path = tmp_path / "spool.db"
    with closing(sqlite3.connect(path)) as old, old:
        old.execute(
            "CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "conversation_id TEXT NOT NULL, text TEXT NOT NULL, at TEXT NOT NULL)"
        )
        old.execute(
            "INSERT INTO messages (conversation_id, text, at) VALUES (?, ?, ?)",
            ("chat-1", "message 0", T0.isoformat()),
        )
    spool = MessageSpool(path)
    assert spool.put(with_id(1, "a1b2c3d4e5f6"))
    delivered = []
    spool.deliver(delivered.append)
    assert delivered == [message(0), with_id(1, "a1b2c3d4e5f6")]


def deliver_and_die(path, claim_seconds: float) -> None:
    """A Rasa process killed while it delivers: it exits in the middle of writing."""
    MessageSpool(path, claim_seconds).deliver(lambda _message: os._exit(9))


def test_a_message_being_delivered_when_its_process_is_killed_is_delivered_later(tmp_path):
    path = tmp_path / "spool.db"
    spool = MessageSpool(path, claim_seconds=0.5)
    for n in range(3):
        spool.put(message(n))
    dying = multiprocessing.get_context("fork").Process(target=deliver_and_die, args=(path, 0.5))
    dying.start()
    dying.join(30)
    assert dying.exitcode == 9 and len(spool) == 3  # nothing left the spool
    delivered = []
    assert spool.deliver(delivered.append) == 0  # its claim still runs: nobody overtakes it
    assert not spool.is_drained()
    time.sleep(0.6)
    assert spool.deliver(delivered.append) == 3
    assert delivered == [message(n) for n in range(3)] and spool.is_drained()
