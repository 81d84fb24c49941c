"""The SMTP listener Kefu runs for inbound mail (aiosmtpd).

Why a listener and not polling a mailbox over IMAP: replies arrive the moment they
are sent (no polling interval), Kefu stores no mailbox password, and a forged or
guessed reply address is refused while the sending server is still connected
(550), so nothing is stored for it. The company points its reply domain's MX at
this listener, or has its mail server forward support mail to it. A database
that is down answers 451 (try again later): the sending server keeps the message
and retries, so nothing is lost. The listener runs in its own thread with its
own event loop, and files each message on a worker thread, so a slow database
stalls no other connection.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import Callable, Optional

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from helpdesk.email.intake import MailIntake, Received
from helpdesk.records import RecordsUnavailable

logger = logging.getLogger(__name__)


class InboundHandler:
    """aiosmtpd's handler: who may receive mail here, and filing what arrives."""

    def __init__(
        self,
        intake: MailIntake,
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        on_received: Optional[Callable[[Received], None]] = None,
    ) -> None:
        self.intake = intake
        self.now = now
        self.on_received = on_received

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list
    ) -> str:
        loop = asyncio.get_running_loop()
        try:
            known = await loop.run_in_executor(None, self.intake.recipient_ok, address)
        except RecordsUnavailable:
            return "451 4.3.0 Mail system temporarily unavailable, try again later"
        if not known:
            logger.info("refused mail for an unknown address")
            return "550 5.1.1 No such recipient here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        loop = asyncio.get_running_loop()
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="replace")
        try:
            received = await loop.run_in_executor(
                None, self.intake.receive, list(envelope.rcpt_tos), raw, self.now()
            )
        except RecordsUnavailable as error:
            logger.warning("inbound mail deferred, the database is unavailable: %s", error)
            return "451 4.3.0 Mail system temporarily unavailable, try again later"
        except Exception:  # a message we cannot read must not drop the connection
            logger.exception("could not file an inbound message")
            return "554 5.6.0 Message could not be processed"
        if self.on_received is not None:
            self.on_received(received)
        return "250 Message accepted"


class MailListener:
    """Starts and stops the listener on `host`:`port`."""

    def __init__(
        self, handler: InboundHandler, host: str, port: int, max_message_bytes: int
    ) -> None:
        self.controller = Controller(
            handler,
            hostname=host,
            port=port,
            data_size_limit=max_message_bytes,
            ready_timeout=10.0,
        )

    @property
    def port(self) -> int:
        return self.controller.port

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
