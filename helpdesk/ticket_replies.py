"""An agent's public reply on a ticket, said in the chat the ticket came from.

A customer who opened a ticket in the chat was told a person would reply there, so
a public comment is delivered into that conversation: live if their chat window is
open, and waiting in the conversation's history when they come back. Until Rasa
has it, the comment stays "pending" and the web app's sweeper tries again.
"""

from __future__ import annotations

from helpdesk.company import CompanyFacts
from helpdesk.notices import Notice
from helpdesk.records import PendingChatReply


def where_the_answer_comes(facts: CompanyFacts, ticket_ref: str) -> str:
    """What the customer is promised about the answer to a ticket opened in the
    chat: only what will happen (replies come into this chat; there is no email
    from Kefu yet)."""
    return (
        "A person will reply here in this chat: if you close it, their answer will be "
        f"waiting when you open the chat again, and you can ask me about {ticket_ref} any "
        f"time. If you'd rather write to us, email {facts.support_email} quoting the "
        "ticket number."
    )


def ticket_reply_notice(reply: PendingChatReply) -> Notice:
    """The reply as it appears in the widget: written by a person, about a ticket."""
    return Notice(
        text=reply.body,
        metadata={
            "sender": "agent",
            "agent_name": reply.author_name or "Support team",
            "ticket": reply.ticket_ref,
        },
    )
