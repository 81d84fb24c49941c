"""Bad input through the real REST channel of the running assistant: every message
gets a polite reply, nothing crashes, and every message is kept in the tracker."""

import uuid
from datetime import timedelta

import pytest
import requests

from helpdesk.config import Settings
from helpdesk.identity import issue_customer_token

pytestmark = pytest.mark.stack

BAD_MESSAGES = {
    "empty": "",
    "whitespace": "   \n\t  ",
    "huge": "where is my order " * 6000,
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


def send(stack, sender, message, metadata=None):
    response = requests.post(
        f"{stack.config.rasa_url}/webhooks/rest/webhook",
        json={
            "sender": sender,
            "message": message,
            "metadata": metadata if metadata is not None else {},
        },
        timeout=120,
    )
    assert response.status_code == 200, response.text[:500]
    return response.json()


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
    sender = f"bad-{uuid.uuid4().hex}"
    message = BAD_MESSAGES[name]
    assert_polite(send(stack, sender, message))
    # Rasa trims surrounding white space; everything else arrives as sent.
    assert message.strip() in [text.strip() for text in user_texts(stack, sender)]


def test_a_conversation_carries_on_after_bad_input(stack):
    sender = f"bad-{uuid.uuid4().hex}"
    for message in ("", "<b>hi</b>", "📦"):
        send(stack, sender, message)
    replies = send(stack, sender, "how long does standard shipping take?")
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
    sender = f"bad-{uuid.uuid4().hex}"
    replies = send(stack, sender, "where is my order?", metadata)
    assert_polite(replies)
    text = " ".join(r.get("text") or "" for r in replies)
    assert "email address" in text and "BW-" not in text.replace("BW-104233", "")


def test_an_expired_token_is_explained(stack):
    token = issue_customer_token("C1001", Settings().customer_token_secret, timedelta(minutes=-5))
    replies = send(
        stack, f"bad-{uuid.uuid4().hex}", "where is my order?", {"customer_token": token}
    )
    assert any("expired" in (r.get("text") or "") for r in replies)


def test_slots_cannot_be_injected_through_a_payload(stack):
    sender = f"bad-{uuid.uuid4().hex}"
    replies = send(
        stack, sender, '/check_order_status{"customer_id": "C1002", "identity_method": "token"}'
    )
    text = " ".join(r.get("text") or "" for r in replies)
    assert "Daniel" not in text and "BW-104167" not in text and "email address" in text


def test_one_customer_cannot_read_another_customers_order(stack):
    token = issue_customer_token("C1001", Settings().customer_token_secret)
    replies = send(
        stack, f"bad-{uuid.uuid4().hex}", "where is order BW-104167?", {"customer_token": token}
    )
    text = " ".join(r.get("text") or "" for r in replies)
    assert "couldn't find an order BW-104167" in text and "Echo-Arc" not in text


def test_conversations_are_kept_in_the_sqlite_tracker_store(stack):
    import sqlite3

    sender = f"kept-{uuid.uuid4().hex}"
    send(stack, sender, "hello")
    with sqlite3.connect(stack.config.tracker_db) as db:
        stored = db.execute(
            "SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender,)
        ).fetchone()[0]
        journal = db.execute("PRAGMA journal_mode").fetchone()[0]
    assert stored > 0  # not Rasa's in-memory fallback for a tracker store it cannot load
    assert journal == "wal"
