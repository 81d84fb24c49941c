"""Locust's half of `./kefu bench load` (bench/load.py starts it as a process of
its own, headless, against nginx's Rasa port on the loopback address).

Each simulated customer runs complete scripted conversations through Kefu's REST
channel, one message after the other with no pause (a closed loop: the load is
the number of users): greet, an FAQ and its feedback, sign in (the website's
`customer_token` in the metadata from then on), the account, "where is my order",
one order by its number, goodbye and the rating form. Each message carries a
unique `bench_message_id` in its metadata, and is written to the record file
twice: before it is sent and once it is answered, so bench/load.py can tell, from
the trackers afterwards, what was sent and whether each arrived exactly once.

Only the standard library and Locust here: gevent's monkeypatching stays in this
process, out of Kefu's and out of the benchmark's.

Settings (environment): KEFU_LOAD_PLAN, a JSON file {"script", "customers":
[{"token", "order"}], "max_conversations", "record"} written by bench/load.py.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional

import gevent
from locust import FastHttpUser, constant, task
from locust.exception import StopUser

PLAN: Dict[str, Any] = json.loads(Path(os.environ["KEFU_LOAD_PLAN"]).read_text(encoding="utf-8"))
# Open for the life of the process, written a line at a time.
RECORD = open(PLAN["record"], "a", encoding="utf-8", buffering=1)  # noqa: SIM115
SESSION_HEADER = "X-Kefu-Session-Secret"

# [label for Locust's statistics, text, signed in?]: bench/load.py's SCRIPT.
SCRIPT: List[List[Any]] = PLAN["script"]

_claimed = itertools.count(1)
_in_flight = 0
_exhausted = False
_quitting = False


def record(**fields: Any) -> None:
    RECORD.write(json.dumps(fields) + "\n")


class Customer(FastHttpUser):
    """One website visitor after another: each iteration is a new conversation."""

    wait_time = constant(0)
    network_timeout = 60.0
    connection_timeout = 10.0

    @task
    def conversation(self) -> None:
        global _in_flight, _exhausted
        if next(_claimed) > int(PLAN["max_conversations"]):
            _exhausted = True
            self._quit_when_idle()
            raise StopUser()
        _in_flight += 1
        try:
            self._converse(random.choice(PLAN["customers"]))
        finally:
            _in_flight -= 1
            self._quit_when_idle()

    def _quit_when_idle(self) -> None:
        """Once every claimed conversation has ended, the run is over (the count
        bound), whatever time remains."""
        global _quitting
        if _exhausted and _in_flight == 0 and not _quitting:
            _quitting = True
            gevent.spawn_later(0.1, self.environment.runner.quit)

    def _converse(self, customer: Dict[str, str]) -> None:
        with self.client.post(
            "/webhooks/rest/session", name="0 session", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"session: HTTP {response.status_code}")
                return
            issued = response.json()
        sender, headers = issued["session_id"], {SESSION_HEADER: issued["session_secret"]}
        for step, (label, text, signed_in) in enumerate(SCRIPT):
            message_id = uuid.uuid4().hex
            metadata = {"bench_message_id": message_id}
            if signed_in:
                metadata["customer_token"] = customer["token"]
            body = {"sender": sender, "message": text.format(**customer), "metadata": metadata}
            sent = time.time()
            record(kind="sent", conversation=sender, step=step, id=message_id, at=sent)
            error: Optional[str] = None
            replies = 0
            with self.client.post(
                "/webhooks/rest/webhook",
                json=body,
                headers=headers,
                name=label,
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    error = f"HTTP {response.status_code} {response.error or ''}"[:200]
                else:
                    try:
                        replies = len(response.json())
                    except ValueError:
                        error = "not JSON"
                    if not error and replies == 0:
                        error = "no reply"
                if error:
                    response.failure(error)
            record(
                kind="answered",
                conversation=sender,
                step=step,
                last=step == len(SCRIPT) - 1,
                id=message_id,
                at=sent,
                done=time.time(),
                replies=replies,
                error=error,
            )
