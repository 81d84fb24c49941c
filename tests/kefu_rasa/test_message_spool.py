"""The local spool that keeps customers' messages for agents while the database is
down: nothing lost, nothing twice, the order kept."""

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
    assert spool.deliver(delivered.append, batch=2) == 5
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
