"""Two real web processes on one PostgreSQL database: the sweeper runs in only
one of them (the "sweeper" lease, helpdesk/leases.py), so an unclaimed chat
becomes one ticket and its customer is told once.

No Rasa server runs: both processes talk to a stand-in that records what they
post (the notices go to Rasa as `bot` events on the conversation's tracker), so
what the customer would be sent can be counted."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, List, Tuple

import pytest
from sqlalchemy import func, select

from helpdesk.conversation_records import ConversationRecords
from helpdesk.leases import Leases
from helpdesk.models import Handoff, HandoffEvent, Ticket
from ops.always_open import always_open_knowledge_base
from tests.browser.web_app import web_app_alone
from tests.conftest import import_demo, queue_chat
from tests.helpdesk.test_postgres import pg_db  # noqa: F401  (a fixture)

pytestmark = pytest.mark.postgres

SWEEP_SECONDS = 0.3


@contextmanager
def rasa_stand_in() -> Iterator[Tuple[str, List[Tuple[str, dict]]]]:
    """An HTTP server answering what the web app asks Rasa; yields its address
    and the list of (path, body) it was posted."""
    posted: List[Tuple[str, dict]] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802  (the tracker)
            self._answer({"events": []})

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b"null"
            posted.append((self.path.split("?")[0], json.loads(raw or b"null")))
            self._answer({})

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", posted
    finally:
        server.shutdown()
        server.server_close()


def bot_texts(posted: List[Tuple[str, dict]], conversation_id: str) -> List[str]:
    path = f"/conversations/{conversation_id}/tracker/events"
    return [
        event["text"]
        for where, events in list(posted)
        if where == path
        for event in events
        if event.get("event") == "bot"
    ]


def test_an_unclaimed_chat_becomes_one_ticket_and_its_customer_is_told_once(
    pg_db,  # noqa: F811
    tmp_path,
):
    import_demo(pg_db)
    conversations = ConversationRecords(pg_db)
    # Queued long ago: due for conversion at the first sweep (claim timeout 15 min).
    unclaimed = queue_chat(conversations, conversation_id="chat-unclaimed")
    # Queued just now: stays waiting, and hears its place in the queue.
    waiting = conversations.create_handoff(
        conversations_new_handoff("chat-waiting", datetime.now(timezone.utc))
    ).id
    kb = always_open_knowledge_base(tmp_path / "kb")
    with rasa_stand_in() as (rasa_url, posted), ExitStack() as processes:
        settings = {
            "KEFU_SWEEP_SECONDS": str(SWEEP_SECONDS),
            "KEFU_KNOWLEDGE_BASE": str(kb),
            "KEFU_RASA_URL": rasa_url,
        }
        for n in (1, 2):
            (tmp_path / f"web{n}").mkdir()
            processes.enter_context(web_app_alone(pg_db.url, tmp_path / f"web{n}", settings))
        deadline = time.monotonic() + 30
        while _status(pg_db, unclaimed) == "waiting" and time.monotonic() < deadline:
            time.sleep(0.1)
        # Many more rounds in both processes: nothing may be done twice.
        time.sleep(max(3.0, 10 * SWEEP_SECONDS))
        holder = Leases(pg_db).holder_of("sweeper", datetime.now(timezone.utc))
        sent_unclaimed = bot_texts(posted, "chat-unclaimed")
        sent_waiting = bot_texts(posted, "chat-waiting")

    assert _status(pg_db, unclaimed) == "converted"
    with pg_db.session() as session:
        tickets = session.execute(
            select(func.count()).where(Ticket.conversation_id == "chat-unclaimed")
        ).scalar_one()
        converted_events = session.execute(
            select(func.count()).where(
                HandoffEvent.handoff_id == unclaimed, HandoffEvent.kind == "converted"
            )
        ).scalar_one()
    assert tickets == 1
    assert converted_events == 1
    # The customer was told once that their chat became a ticket, and nothing twice.
    assert len(sent_unclaimed) == 1, sent_unclaimed
    assert "T-" in sent_unclaimed[0]
    assert sent_waiting, "the waiting customer heard their place in the queue"
    assert max(Counter(sent_waiting).values()) == 1, sent_waiting
    assert _status(pg_db, waiting) == "waiting"
    assert holder is not None  # one process held the lease while both ran


def conversations_new_handoff(conversation_id: str, created_at: datetime):  # type: ignore[no-untyped-def]
    from helpdesk.conversation_records import NewHandoff

    return NewHandoff(
        conversation_id=conversation_id,
        reason="customer_request",
        transcript=[{"role": "customer", "text": "A person please", "timestamp": 1.0}],
        collected={},
        customer_id="C1002",
        identity_method="token",
        priority=1,
        created_at=created_at - timedelta(seconds=5),
    )


def _status(db, handoff_id: int) -> str:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return session.get(Handoff, handoff_id).status
