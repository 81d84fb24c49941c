"""Reading a message a customer sent.

What reaches the ticket is only what the customer wrote this time: our own
"reply above this line" marker cuts the quoted history first (it is in every
message Kefu sends, in either language), then mail-parser-reply, a maintained
library, takes off the quoted history and signature mail programs add ("On ...
wrote:", "Sent from my iPhone", "在 ... 写道："). HTML mail is sanitised with nh3
(Rust's ammonia: scripts, styles, event handlers, forms and remote images go),
and when a message has no plain-text part its text is read from the HTML.
Attachments are kept as bytes up to a size limit; larger ones are listed as
left out. Automatic mail (out-of-office, mailing lists, bounces) is recognised so
it never reads as the customer's reply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser
from typing import List, Optional

import nh3
from mailparser_reply import EmailReplyParser

from helpdesk.email.addresses import display_name, plain_address

# Every language's marker line (knowledge_base/**/email.yml `reply_above`).
_MARKER = re.compile(r"^.*##-.*-##.*$", re.MULTILINE)
# What the library misses: Chinese clients' "在 ... 写道：" and Outlook's divider.
_QUOTE_HEADERS = re.compile(
    r"^(在.{2,120}写道[:：]|-{2,}\s*Original Message\s*-{2,}|-{2,}\s*原始邮件\s*-{2,}|"
    r"From:\s.+\n(Sent|Date):\s.+)\s*$",
    re.MULTILINE | re.IGNORECASE,
)
_SAFE_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr",
    "i", "li", "ol", "p", "pre", "span", "strong", "table", "tbody", "td", "th",
    "thead", "tr", "u", "ul",
}  # fmt: skip
MAX_TEXT_CHARS = 20000


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    size: int
    data: Optional[bytes]  # None: larger than the limit, left out


@dataclass(frozen=True)
class InboundMail:
    from_address: str
    from_name: str
    subject: str
    message_id: str
    # In-Reply-To and References, as written.
    references: List[str]
    text: str  # what the customer wrote this time
    full_text: str
    html: Optional[str]  # sanitised
    attachments: List[Attachment] = field(default_factory=list)
    automatic: bool = False
    # A delivery status report (a bounce): its diagnostic, for the agent.
    bounce_detail: Optional[str] = None


def read_mail(raw: bytes, max_attachment_bytes: int) -> InboundMail:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    bounce = _bounce_detail(message)
    plain, html = _bodies(message)
    clean_html = sanitise_html(html) if html else None
    full_text = plain if plain is not None else html_to_text(clean_html or "")
    full_text = full_text.replace("\r\n", "\n")[:MAX_TEXT_CHARS]
    return InboundMail(
        from_address=plain_address(str(message.get("From", ""))),
        from_name=display_name(str(message.get("From", ""))),
        subject=" ".join(str(message.get("Subject", "")).split())[:400],
        message_id=str(message.get("Message-ID", "")).strip()[:320],
        references=[str(message.get(h, "")) for h in ("In-Reply-To", "References")],
        text=new_text(full_text),
        full_text=full_text,
        html=clean_html,
        attachments=_attachments(message, max_attachment_bytes),
        automatic=bounce is not None or _is_automatic(message),
        bounce_detail=bounce,
    )


def new_text(text: str) -> str:
    """The part of a reply above the quoted history, without the signature."""
    marker = _MARKER.search(text)
    if marker:
        text = text[: marker.start()]
    header = _QUOTE_HEADERS.search(text)
    if header:
        text = text[: header.start()]
    replies = EmailReplyParser(languages=["en", "zh"]).read(text=text).replies
    body = replies[0].body if replies else text
    body = "\n".join(line.rstrip() for line in body.strip().splitlines())
    # A reply that is nothing but a signature keeps what there was.
    return body or text.strip()


def sanitise_html(html: str) -> str:
    return nh3.clean(html, tags=_SAFE_TAGS, link_rel="noopener noreferrer nofollow").strip()


def html_to_text(html: str) -> str:
    reader = _TextReader()
    reader.feed(html)
    reader.close()
    lines = "".join(reader.parts).splitlines()
    return "\n".join(line.strip() for line in lines).strip()


class _TextReader(HTMLParser):
    _BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: List[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _bodies(message: EmailMessage) -> tuple:
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return (_content(plain) if plain is not None else None, _content(html) if html else None)


def _content(part: EmailMessage) -> str:
    try:
        return str(part.get_content())
    except (LookupError, ValueError):  # an unknown or lying charset
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def _attachments(message: EmailMessage, limit: int) -> List[Attachment]:
    found = []
    for part in message.iter_attachments():
        if part.get_content_maintype() == "multipart":
            continue
        data = part.get_payload(decode=True) or b""
        name = (part.get_filename() or "attachment").replace("/", "_").replace("\\", "_")
        found.append(
            Attachment(
                filename=name[:255],
                content_type=part.get_content_type()[:120],
                size=len(data),
                data=data if len(data) <= limit else None,
            )
        )
    return found


def _is_automatic(message: EmailMessage) -> bool:
    """RFC 3834's Auto-Submitted, list and bulk mail, and the usual robots."""
    if str(message.get("Auto-Submitted", "no")).strip().lower() != "no":
        return True
    if str(message.get("Precedence", "")).strip().lower() in {"bulk", "junk", "list"}:
        return True
    if message.get("List-Id") or message.get("X-Autoreply") or message.get("X-Autorespond"):
        return True
    sender = plain_address(str(message.get("From", "")))
    return sender.startswith(("mailer-daemon@", "postmaster@")) or not sender


def _bounce_detail(message: EmailMessage) -> Optional[str]:
    """For a delivery status report (RFC 3464): who failed and why."""
    if message.get_content_type() != "multipart/report":
        return None
    if message.get_param("report-type", "").lower() != "delivery-status":
        return None
    for part in message.walk():
        if part.get_content_type() == "message/delivery-status":
            text = part.as_string()
            wanted = [
                line.strip()
                for line in text.splitlines()
                if line.lower().startswith(("final-recipient", "status", "diagnostic-code"))
            ]
            return "; ".join(wanted) or "delivery failed"
    return "delivery failed"
