"""Handing one message to the SMTP server.

Blocking (smtplib), with a timeout on every step: the web app calls it from a
worker thread, never on its event loop. The answer is one of three things the
outbox acts on: accepted; refused for good (a 5xx about the recipient or the
message: retrying would be refused again, the message bounced); or a temporary
failure (the server is down, slow, says 4xx, or will not let us sign in), which
is tried again later.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass

from helpdesk.config import Settings

SENT, TEMPORARY, PERMANENT = "sent", "temporary", "permanent"
# 5xx answers that are about our side (sign-in, TLS required), not the message:
# fixing the settings makes them go through, so they are retried, not bounced.
_OUR_SIDE = {530, 534, 535, 538}


@dataclass(frozen=True)
class SendResult:
    kind: str  # SENT | TEMPORARY | PERMANENT
    detail: str = ""


class SmtpClient:
    """Sends through the SMTP server of `settings` (KEFU_SMTP_*)."""

    def __init__(self, settings: Settings) -> None:
        self.host = settings.smtp_host
        self.port = settings.smtp_port
        self.security = settings.smtp_security
        self.username = settings.smtp_username
        self.password = settings.smtp_password
        self.timeout = settings.smtp_timeout_seconds

    def send(self, envelope_from: str, to_address: str, raw: bytes) -> SendResult:
        try:
            with self._connect() as server:
                if self.username:
                    server.login(self.username, self.password)
                refused = server.sendmail(envelope_from, [to_address], raw)
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()))
            return _by_code(code, text)
        except smtplib.SMTPResponseException as error:
            return _by_code(error.smtp_code, error.smtp_error)
        except (smtplib.SMTPException, OSError) as error:  # down, reset, timed out
            return SendResult(TEMPORARY, f"{type(error).__name__}: {error}".strip())
        if refused:
            code, text = next(iter(refused.values()))
            return _by_code(code, text)
        return SendResult(SENT)

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        server = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            try:
                server.starttls(context=ssl.create_default_context())
            except BaseException:
                server.close()
                raise
        return server


def _by_code(code: int, text: object) -> SendResult:
    detail = f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
    if 500 <= code < 600 and code not in _OUR_SIDE:
        return SendResult(PERMANENT, detail)
    return SendResult(TEMPORARY, detail)
