"""Bad days, against servers of their own: the Rasa server killed (SIGKILL) at every
step of the ticket form, the database locked by another writer or unreachable
during a form and during a live chat with an agent, and killed while it kept a
customer's messages for the agent during such an outage.

What must hold: no ticket opened twice, no confirmation lost, and every message a
customer wrote to a person reaches that person.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, List, Tuple

import pytest
import requests

from helpdesk.config import Settings
from helpdesk.identity import issue_customer_token
from ops.chat_client import RestChat
from tests.conftest import AGENT_EMAIL, AGENT_PASSWORD, running_stack

pytestmark = pytest.mark.stack

TICKET_FORM = [
    "I want to report a problem",
    "Damaged item",
    "BW-104101",
    "The left ear cup of the headphones is cracked and rattles",
    "pretty urgent",
    "yes",
]
OPENED = "I've opened ticket"


@pytest.fixture(scope="module")
def faulty(trained_model, tmp_path_factory):
    """Servers that these tests may kill and whose database they may lock."""
    with running_stack(trained_model, tmp_path_factory.mktemp("faults")) as stack:
        yield stack


def database_file(stack) -> Path:
    return Path(stack.config.database_url.split("sqlite:///", 1)[1])


def maya(stack) -> RestChat:
    token = issue_customer_token("C1001", Settings().customer_token_secret)
    return RestChat(stack.config.rasa_url, metadata={"customer_token": token}, timeout=180)


def tickets_of(stack, conversation_id: str) -> List[tuple]:
    with sqlite3.connect(database_file(stack), timeout=30) as db:
        return db.execute(
            "SELECT id, category, order_id, description FROM tickets WHERE conversation_id = ?",
            (conversation_id,),
        ).fetchall()


def kill_rasa_while(stack, chat: RestChat, text: str, wait: Callable[[], None]) -> None:
    """Sends `text` and kills the Rasa server when `wait` returns; then starts it
    again and sends the same message once more, as the customer would."""
    with ThreadPoolExecutor(1) as pool:
        sent = pool.submit(chat.post, text)
        wait()
        stack.kill("rasa")
        with contextlib.suppress(requests.RequestException):
            sent.result(timeout=30)  # the customer's widget lost the connection
    stack.restart("rasa")
    assert chat.post(text).status_code == 200


def after_a_moment() -> None:
    time.sleep(random.uniform(0.0, 0.25))


def test_killing_rasa_at_every_step_of_the_ticket_form_opens_one_ticket(faulty):
    random.seed(7)
    for step in range(len(TICKET_FORM)):
        chat = maya(faulty)
        for number, text in enumerate(TICKET_FORM):
            if number == step:
                kill_rasa_while(faulty, chat, text, after_a_moment)
            else:
                chat.post(text)
        opened = tickets_of(faulty, chat.sender)
        assert len(opened) == 1, (step, opened)
        _, category, order, description = opened[0]
        assert (category, order) == ("damaged_item", "BW-104101"), step
        assert description == TICKET_FORM[3], step


def test_a_crash_right_after_the_ticket_is_written_opens_no_second_one(faulty):
    chat = maya(faulty)
    for text in TICKET_FORM[:-1]:
        chat.post(text)

    def ticket_written() -> None:
        deadline = time.monotonic() + 60
        while not tickets_of(faulty, chat.sender):
            assert time.monotonic() < deadline, "the ticket was never written"
            time.sleep(0.002)

    kill_rasa_while(faulty, chat, "yes", ticket_written)
    opened = tickets_of(faulty, chat.sender)
    assert len(opened) == 1
    # If the crash came before Rasa kept the first "yes", the retry is told the
    # ticket the first one opened; otherwise the ticket was already announced.
    history = requests.get(
        f"{faulty.config.rasa_url}/conversations/{chat.sender}/tracker",
        params={"token": faulty.config.rasa_token},
        timeout=10,
    ).json()["events"]
    announced = [e["text"] for e in history if e["event"] == "bot" and OPENED in (e["text"] or "")]
    assert announced and all(f"T-{opened[0][0]:05d}" in text for text in announced)


@contextmanager
def locked_database(stack, readers_too: bool) -> Iterator[None]:
    """Another process's transaction holding the database: a writer holding the
    write lock (readers carry on), or, with `readers_too`, as if the database were
    down (nobody gets in)."""
    holder = sqlite3.connect(database_file(stack), isolation_level=None, timeout=30)
    if readers_too:
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
    else:
        holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.close()


def test_a_confirmation_made_while_the_database_is_locked_is_kept_for_a_retry(faulty):
    chat = maya(faulty)
    for text in TICKET_FORM[:-1]:
        chat.post(text)
    with locked_database(faulty, readers_too=False):
        during = chat.say("yes")
    assert tickets_of(faulty, chat.sender) == []
    assert sum("couldn't save your ticket" in t for t in during) == 1, during  # one apology
    after = " ".join(chat.say("yes"))
    assert OPENED in after
    assert len(tickets_of(faulty, chat.sender)) == 1


def test_a_form_carries_on_after_the_database_was_down(faulty):
    chat = maya(faulty)
    for text in TICKET_FORM[:3]:
        chat.post(text)
    with locked_database(faulty, readers_too=True):
        during = chat.say(TICKET_FORM[3])
    assert sum("can't reach our customer systems" in t for t in during) == 1, during
    assert any("describe the problem" in t for t in during)  # asked again, not dropped
    for text in TICKET_FORM[3:]:
        replies = chat.say(text)
    assert any(OPENED in t for t in replies), replies
    [(_, category, order, description)] = tickets_of(faulty, chat.sender)
    assert (category, order, description) == ("damaged_item", "BW-104101", TICKET_FORM[3])


def claimed_chat(stack) -> Tuple[requests.Session, RestChat, int]:
    """A customer's chat that an agent has claimed: the agent's signed-in session,
    the customer's chat and the handoff's id."""
    agent = requests.Session()
    agent.post(
        f"{stack.config.web_url}/api/agent/login",
        json={"email": AGENT_EMAIL, "password": AGENT_PASSWORD},
        timeout=30,
    ).raise_for_status()
    chat = RestChat(stack.config.rasa_url, timeout=180)
    chat.say("hi")
    assert any("queue" in t for t in chat.say("I want to talk to a person"))
    queue = agent.get(f"{stack.config.web_url}/api/queue", timeout=30).json()
    [handoff] = [c["id"] for c in queue if c["conversation_id"] == chat.sender]
    agent.post(f"{stack.config.web_url}/api/handoffs/{handoff}/claim", timeout=30).raise_for_status()
    return agent, chat, handoff


def agent_gets(stack, agent: requests.Session, handoff: int, written: List[str]) -> List[str]:
    """What the agent's console shows the customer wrote, once its last messages are
    `written` or after 30 s."""

    def shown() -> List[str]:
        detail = agent.get(f"{stack.config.web_url}/api/handoffs/{handoff}", timeout=30).json()
        return [e["body"] for e in detail["events"] if e["kind"] == "customer_message"]

    deadline = time.monotonic() + 30
    while shown()[-len(written) :] != written and time.monotonic() < deadline:
        time.sleep(0.5)
    return shown()


def test_what_a_customer_writes_to_an_agent_while_the_database_is_down_reaches_the_agent(faulty):
    agent, chat, handoff = claimed_chat(faulty)
    written = ["are you still there?", "my order number is BW-104101", "it arrived broken"]
    with locked_database(faulty, readers_too=True):
        for text in written:
            assert chat.say(text) == []  # the bot stays silent: a person has the chat
    assert chat.say("hello again") == []
    written.append("hello again")
    assert agent_gets(faulty, agent, handoff, written)[-len(written) :] == written  # in order


def test_what_rasa_kept_for_the_agent_when_it_died_during_the_outage_reaches_them_once(faulty):
    agent, chat, handoff = claimed_chat(faulty)
    written = ["the parcel was open", "and the box is wet"]
    with locked_database(faulty, readers_too=True):
        for text in written:
            assert chat.say(text) == []
        faulty.kill("rasa")  # with both messages in its spool
    faulty.restart("rasa")
    # Nobody writes again: the restarted server delivers what it had kept.
    assert agent_gets(faulty, agent, handoff, written)[-len(written) :] == written
    assert chat.say("hello?") == []
    written.append("hello?")
    shown = agent_gets(faulty, agent, handoff, written)
    assert shown[-len(written) :] == written and len(shown) == len(set(shown))


def test_the_lock_holder_really_locks_the_database(faulty):
    """The two kinds of lock the tests above use, checked on their own."""
    path = database_file(faulty)
    with locked_database(faulty, readers_too=False):
        other = sqlite3.connect(path, timeout=0.2)
        assert other.execute("SELECT COUNT(*) FROM customers").fetchone()[0] > 0
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("UPDATE customers SET phone = phone")
        other.close()
    with locked_database(faulty, readers_too=True):
        other = sqlite3.connect(path, timeout=0.2)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("SELECT COUNT(*) FROM customers").fetchone()
        other.close()


