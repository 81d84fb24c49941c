"""A real SMTP server that keeps what it receives: for trying email on a
developer's machine (`./kefu mail-catcher`, then KEFU_SMTP_HOST=127.0.0.1
KEFU_SMTP_PORT=1025 KEFU_SMTP_SECURITY=none) and for the tests and benchmarks,
which start one as the company's mail server. It can be told to refuse some
recipients for good (a bounce at the door) and be stopped and started again (a
mail server that is down)."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import List, Optional, Set

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass(frozen=True)
class CaughtMail:
    envelope_from: str
    recipients: List[str]
    raw: bytes
    received_at: float

    @property
    def message(self) -> EmailMessage:
        parsed = BytesParser(policy=policy.default).parsebytes(self.raw)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class _Inbox:
    refuse: Set[str] = field(default_factory=set)
    mails: List[CaughtMail] = field(default_factory=list)
    folder: Optional[Path] = None
    arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 Mailbox does not exist"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        mail = CaughtMail(
            envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content, time.time()
        )
        with self.arrived:
            self.mails.append(mail)
            self.arrived.notify_all()
        if self.folder is not None:
            (self.folder / f"{len(self.mails):05d}.eml").write_bytes(mail.raw)
        return "250 Message accepted"


class MailCatcher:
    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, folder: Optional[Path] = None
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.inbox = _Inbox(folder=folder)
        self._controller: Optional[Controller] = None

    @property
    def mails(self) -> List[CaughtMail]:
        return list(self.inbox.mails)

    def refuse(self, address: str) -> None:
        self.inbox.refuse.add(address.lower())

    def start(self) -> MailCatcher:
        self._controller = Controller(self.inbox, hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 10.0) -> List[CaughtMail]:
        """The first `count` messages, waiting up to `timeout` seconds for them."""
        deadline = time.monotonic() + timeout
        with self.inbox.arrived:
            while len(self.inbox.mails) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(self.inbox.mails)} of {count} messages arrived")
                self.inbox.arrived.wait(left)
            return list(self.inbox.mails[:count])

    def __enter__(self) -> MailCatcher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]
