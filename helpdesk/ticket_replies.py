"""An agent's public reply on a ticket, said in the chat the ticket came from.

A customer who opened a ticket in the chat was told a person would reply there, so
a public comment is delivered into that conversation: live if their chat window is
open, and waiting in the conversation's history when they come back. Until Rasa
has it, the comment stays "pending" and the web app's sweeper tries again.
"""

from __future__ import annotations

from typing import Optional

from helpdesk.company import CompanyFacts
from helpdesk.desk_texts import DeskTexts, default_texts
from helpdesk.notices import Notice
from helpdesk.records import PendingChatReply


def where_the_answer_comes(
    facts: CompanyFacts,
    ticket_ref: str,
    language: Optional[str] = None,
    texts: Optional[DeskTexts] = None,
    email: Optional[str] = None,
) -> str:
    """What the customer is promised about the answer to a ticket opened in the
    chat, in the conversation's `language`: only what will happen. Replies always
    come into this chat; they go by email too only when the caller passes the
    ticket's `email`, which it does only when Kefu sends email (`Settings.
    email_enabled`) and the ticket has an address: the embedded default has no
    mail server, and a promise of email it cannot keep is worse than none."""
    if email:
        return default_texts(texts).say(
            "notices.answer_comes_here_and_by_email",
            language,
            ticket=ticket_ref,
            email=email,
            support_email=facts.support_email,
        )
    return default_texts(texts).say(
        "notices.answer_comes_here",
        language,
        ticket=ticket_ref,
        support_email=facts.support_email,
    )


def ticket_reply_notice(reply: PendingChatReply, texts: Optional[DeskTexts] = None) -> Notice:
    """The reply as it appears in the widget: written by a person, about a ticket.
    An author without a name is the support team, in the ticket's language."""
    author = reply.author_name or default_texts(texts).say("notices.support_team", reply.language)
    return Notice(
        text=reply.body,
        metadata={"sender": "agent", "agent_name": author, "ticket": reply.ticket_ref},
    )
