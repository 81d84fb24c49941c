"""The email an agent's answer becomes.

A well-formed message a customer's mail program threads and a spam filter trusts:
a plain-text and an HTML part with the same words, the company's name in From and
Subject, the ticket number in the subject, a Message-ID of our own with
In-Reply-To/References naming the thread's earlier messages, and a Reply-To
address carrying the thread's secret. Every sentence comes from the catalogue
(knowledge_base/replies/email.yml) in the customer's language. Agents write
Markdown in the console; the HTML part renders it with raw HTML switched off, so
nothing an agent pastes becomes markup.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from typing import List, Optional

from markdown_it import MarkdownIt

from helpdesk.desk_texts import DeskTexts
from helpdesk.email.addresses import Mailbox

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})
# Mail programs keep threads by References; beyond this many the oldest are dropped.
MAX_REFERENCES = 20


@dataclass(frozen=True)
class OutgoingReply:
    """What goes out: an agent's answer (or an acknowledgement) to one customer.
    `earlier_ids` are the thread's Message-IDs, oldest first; the last one is
    what this message replies to."""

    to_address: str
    body: str
    language: str
    thread_token: str
    message_token: str
    ticket_ref: Optional[str] = None
    ticket_subject: Optional[str] = None
    customer_name: Optional[str] = None
    agent_name: Optional[str] = None
    earlier_ids: List[str] = field(default_factory=list)
    # An automatic message (the acknowledgement of a new request): marked so
    # out-of-office robots do not answer it (RFC 3834).
    automatic: bool = False
    subject_key: Optional[str] = None


def compose(mailbox: Mailbox, texts: DeskTexts, reply: OutgoingReply) -> EmailMessage:
    """The message, headers and both parts, ready for SMTP."""
    say = texts.say
    language = reply.language
    company = mailbox.from_name
    message = EmailMessage()
    if reply.agent_name:
        shown_as = say("email.from_name", language, agent=reply.agent_name, company=company)
    else:
        shown_as = say("email.from_name_team", language, company=company)
    message["From"] = mailbox.sender(shown_as)
    message["To"] = reply.to_address
    message["Reply-To"] = mailbox.reply_address(reply.thread_token)
    message["Subject"] = subject(texts, reply, company)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = mailbox.message_id(reply.message_token)
    if reply.earlier_ids:
        message["In-Reply-To"] = reply.earlier_ids[-1]
        message["References"] = " ".join(reply.earlier_ids[-MAX_REFERENCES:])
    if reply.ticket_ref:
        message["X-Kefu-Ticket"] = reply.ticket_ref
    message["Content-Language"] = language
    if reply.automatic:
        message["Auto-Submitted"] = "auto-replied"
    paragraphs = _paragraphs(texts, reply, company)
    # Quoted-printable keeps every line within SMTP's limit (RFC 5321 4.5.3.1.6)
    # whatever the agent wrote.
    message.set_content(_plain(texts, reply, paragraphs), cte="quoted-printable")
    message.add_alternative(_html(texts, reply, paragraphs), subtype="html", cte="quoted-printable")
    return message


def subject(texts: DeskTexts, reply: OutgoingReply, company: str) -> str:
    if reply.subject_key:
        key = reply.subject_key
    else:
        key = "email.subject_ticket" if reply.ticket_ref else "email.subject_chat"
    return texts.say(
        key,
        reply.language,
        company=company,
        subject=reply.ticket_subject or "",
        ticket=reply.ticket_ref or "",
    )


@dataclass(frozen=True)
class _Paragraphs:
    greeting: str
    signature: Optional[str]
    footer: str


def _paragraphs(texts: DeskTexts, reply: OutgoingReply, company: str) -> _Paragraphs:
    say = texts.say
    language = reply.language
    greeting = (
        say("email.greeting", language, name=reply.customer_name)
        if reply.customer_name
        else say("email.greeting_anonymous", language)
    )
    signature = (
        say("email.signature", language, agent=reply.agent_name, company=company)
        if reply.agent_name
        else None
    )
    if reply.ticket_ref:
        footer = say("email.footer_ticket", language, ticket=reply.ticket_ref)
    else:
        footer = say("email.footer_chat", language)
    return _Paragraphs(greeting, signature, footer)


def _plain(texts: DeskTexts, reply: OutgoingReply, parts: _Paragraphs) -> str:
    lines = [texts.say("email.reply_above", reply.language), "", parts.greeting, "", reply.body]
    if parts.signature:
        lines += ["", parts.signature]
    lines += ["", "--", parts.footer]
    return "\n".join(lines) + "\n"


def _html(texts: DeskTexts, reply: OutgoingReply, parts: _Paragraphs) -> str:
    marker = html.escape(texts.say("email.reply_above", reply.language))
    signature = f"<p>{html.escape(parts.signature)}</p>" if parts.signature else ""
    return (
        f'<!DOCTYPE html><html lang="{html.escape(reply.language)}"><head>'
        '<meta charset="utf-8"></head>'
        '<body style="font-family:sans-serif;line-height:1.5;color:#1f2933">'
        f'<p style="color:#7b8794;font-size:12px">{marker}</p>'
        f"<p>{html.escape(parts.greeting)}</p>"
        f"{_markdown.render(reply.body)}"
        f"{signature}"
        '<hr style="border:none;border-top:1px solid #e4e7eb">'
        f'<p style="color:#7b8794;font-size:12px">{html.escape(parts.footer)}</p>'
        "</body></html>\n"
    )
