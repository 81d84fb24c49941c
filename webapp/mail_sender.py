"""The web app's email sender: hands what the outbox holds to the SMTP server.

It wakes when a route queues a message (an agent's answer goes out within
moments) and otherwise when the next retry is due, at least every few seconds so
a message queued by another web process is not left waiting. SMTP runs on a
worker thread with its own timeouts, so a slow or dead mail server never stalls
the event loop that serves consoles and customers; what it could not take stays
in the outbox as "retrying".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from typing import Callable

from starlette.concurrency import run_in_threadpool

from helpdesk.email.outbox import Outbox
from helpdesk.email.smtp_client import SmtpClient
from helpdesk.records import RecordsUnavailable

logger = logging.getLogger(__name__)
# The longest the sender sleeps between looks at the outbox.
IDLE_SECONDS = 5.0


class MailSender:
    def __init__(self, outbox: Outbox, client: SmtpClient, now: Callable[[], datetime]) -> None:
        self.outbox = outbox
        self.client = client
        self.now = now
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Something was queued: send it now rather than at the next look."""
        self._wake.set()

    async def send_due(self) -> int:
        """Sends everything due now; returns how many were accepted."""
        accepted = 0
        for claimed in await run_in_threadpool(self.outbox.claim_due, self.now()):
            result = await run_in_threadpool(
                self.client.send, claimed.envelope_from, claimed.to_address, claimed.raw
            )
            status = await run_in_threadpool(self.outbox.record, claimed.id, result, self.now())
            if status == "sent":
                accepted += 1
            else:
                logger.warning("email %d %s: %s", claimed.id, status, result.detail)
        return accepted

    async def run(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.send_due()
                pause = await run_in_threadpool(self._seconds_to_next)
            except RecordsUnavailable as error:
                logger.warning("could not look at the email outbox: %s", error)
                pause = IDLE_SECONDS
            except Exception:  # the loop must survive anything one round throws
                logger.exception("sending email failed")
                pause = IDLE_SECONDS
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=pause)

    def _seconds_to_next(self) -> float:
        due = self.outbox.next_attempt_at()
        if due is None:
            return IDLE_SECONDS
        return min(IDLE_SECONDS, max(0.05, (due - self.now()).total_seconds()))
