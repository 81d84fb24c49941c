"""Bad input through the real REST channel of the running assistant: every message
gets a polite reply, nothing crashes, and every message is kept in the tracker."""

import time
from datetime import timedelta

import pytest
import requests

from helpdesk.config import Settings
from helpdesk.identity import issue_customer_token
from ops.chat_client import RestChat

pytestmark = pytest.mark.stack

BAD_MESSAGES = {
    "empty": "",
    "whitespace": "   \n\t  ",
    "long": "where is my order " * 270,  # just under the 5,000 characters a message may have
    "emoji": "📦📦📦 où est ma commande ??? 🤔",
    "arabic": "أين طلبي",
    "chinese": "我的订单在哪里？ BW-104233",
    "zero width": "wh\u200bere is my ord\u200ber",
    "zalgo": "z̷̧̛a̶l̸g̵o̶ t̷e̵x̶t̸",
    "control characters": "hello\u0000world\u0007\u001b[31m",
    "html": "<script>alert(1)</script><img src=x onerror=alert(1)>",
    "sql": "'; DROP TABLE customers; --",
    "format string": "{company_name} %s %d {{7*7}} ${jndi:ldap://x}",
    "unknown intent payload": "/intent_that_does_not_exist",
    "broken payload": '/inform{"order_id": "BW-104233"',
    "payload with junk entities": '/inform{"order_id": ["a", {"b": 1}], "rating": null}',
}


def send(chat: RestChat, message, metadata=None):
    return chat.send(message, metadata)


def user_texts(stack, sender):
    tracker = requests.get(
        f"{stack.config.rasa_url}/conversations/{sender}/tracker",
        params={"token": stack.config.rasa_token},
        timeout=30,
    ).json()
    return [e.get("text") for e in tracker["events"] if e["event"] == "user"]


def assert_polite(replies):
    texts = [r.get("text") or "" for r in replies]
    assert texts and any(t.strip() for t in texts)
    for text in texts:
        assert "Traceback" not in text and "Exception" not in text


@pytest.mark.parametrize("name", list(BAD_MESSAGES))
def test_every_bad_message_gets_a_reply_and_is_kept(stack, name):
    chat = RestChat(stack.config.rasa_url)
    message = BAD_MESSAGES[name]
    assert_polite(send(chat, message))
    # Rasa trims surrounding white space; everything else arrives as sent.
    assert message.strip() in [text.strip() for text in user_texts(stack, chat.sender)]


def test_a_conversation_carries_on_after_bad_input(stack):
    chat = RestChat(stack.config.rasa_url)
    for message in ("", "<b>hi</b>", "📦"):
        send(chat, message)
    replies = send(chat, "how long does standard shipping take?")
    assert any("3–5 business days" in (r.get("text") or "") for r in replies)


@pytest.mark.parametrize(
    "metadata",
    [
        {"customer_token": "not-a-token"},
        {"customer_token": 12345},
        {"customer_token": {"sub": "C1001"}},
        {"customer_token": "eyJhbGciOiJub25lIn0.eyJzdWIiOiJDMTAwMSJ9."},
        ["not", "an", "object"],
        "a string",
    ],
    ids=["garbage", "number", "object", "unsigned", "list", "string"],
)
def test_malformed_tokens_and_metadata_identify_nobody(stack, metadata):
    replies = send(RestChat(stack.config.rasa_url), "where is my order?", metadata)
    assert_polite(replies)
    text = " ".join(r.get("text") or "" for r in replies)
    assert "email address" in text and "BW-" not in text.replace("BW-104233", "")


def test_an_expired_token_is_explained(stack):
    token = issue_customer_token("C1001", Settings().customer_token_secret, timedelta(minutes=-5))
    replies = send(RestChat(stack.config.rasa_url), "where is my order?", {"customer_token": token})
    assert any("expired" in (r.get("text") or "") for r in replies)


def test_slots_cannot_be_injected_through_a_payload(stack):
    replies = send(
        RestChat(stack.config.rasa_url),
        '/check_order_status{"customer_id": "C1002", "identity_method": "token"}',
    )
    text = " ".join(r.get("text") or "" for r in replies)
    assert "Daniel" not in text and "BW-104167" not in text and "email address" in text


def test_one_customer_cannot_read_another_customers_order(stack):
    token = issue_customer_token("C1001", Settings().customer_token_secret)
    replies = send(
        RestChat(stack.config.rasa_url), "where is order BW-104167?", {"customer_token": token}
    )
    text = " ".join(r.get("text") or "" for r in replies)
    assert "couldn't find an order BW-104167" in text and "Echo-Arc" not in text


def test_conversations_are_kept_in_the_sqlite_tracker_store(stack):
    import sqlite3

    chat = RestChat(stack.config.rasa_url)
    send(chat, "hello")
    with sqlite3.connect(stack.config.tracker_db) as db:
        stored = db.execute(
            "SELECT COUNT(*) FROM events WHERE sender_id = ?", (chat.sender,)
        ).fetchone()[0]
        journal = db.execute("PRAGMA journal_mode").fetchone()[0]
    assert stored > 0  # not Rasa's in-memory fallback for a tracker store it cannot load
    assert journal == "wal"


@pytest.mark.parametrize(
    "message",
    ["where is my order " * 6000, "a" * 200_000, "a." * 100_000],
    ids=["108k words", "200k letters", "200k dots"],
)
def test_a_message_too_long_to_read_is_kept_and_answered_politely_at_once(stack, message):
    chat = RestChat(stack.config.rasa_url)
    started = time.monotonic()
    replies = send(chat, message)
    seconds = time.monotonic() - started
    text = " ".join(r.get("text") or "" for r in replies)
    assert "too long for me to read" in text and "5,000" in text
    assert seconds < 5, f"took {seconds:.1f} s"  # not parsed (it used to take 11 to 45 s)
    assert message.strip() in user_texts(stack, chat.sender)  # kept word for word


def test_a_form_carries_on_after_a_message_too_long_to_read(stack):
    chat = RestChat(stack.config.rasa_url)
    assert any("email address" in t for t in chat.say("where is my order?"))
    assert any("too long" in t for t in chat.say("x" * 6000))
    replies = chat.say("maya.thompson@example.com")
    assert any("order numbers" in t for t in replies), replies


@pytest.mark.parametrize(
    "body",
    [[1, 2], "just text", 12, None, {"sender": 5, "message": "hi"}],
    ids=["array", "string", "number", "null", "sender not text"],
)
def test_a_webhook_body_that_is_not_a_message_gets_a_reason_not_a_500(stack, body):
    response = requests.post(
        f"{stack.config.rasa_url}/webhooks/rest/webhook", json=body, timeout=30
    )
    assert response.status_code == 400 and "sender" in response.json()["error"]


@pytest.mark.parametrize("message", [123, True, ["a"], {"text": "hi"}], ids=str)
def test_a_message_that_is_not_text_gets_a_reason_not_an_empty_reply(stack, message):
    response = RestChat(stack.config.rasa_url).post(message)
    assert response.status_code == 400 and response.json()["error"] == '"message" must be text.'


def test_malformed_json_gets_a_reason(stack):
    response = requests.post(
        f"{stack.config.rasa_url}/webhooks/rest/webhook",
        data=b'{"sender": "x", "message": ',
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 400


@pytest.mark.parametrize("command", ["/restart", "/session_start", "/back", "/out_of_scope"])
def test_rasas_own_commands_get_an_answer_not_an_apology(stack, command):
    chat = RestChat(stack.config.rasa_url)
    chat.say("hi")
    texts = chat.say(command)
    assert texts and not any("something went wrong" in t for t in texts), texts
