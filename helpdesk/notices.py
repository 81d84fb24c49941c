"""What the helpdesk says in a customer's chat, and what the bot does after it.

The helpdesk decides (an agent joined, a ticket reply, the chat was resolved); the
web app delivers it through Rasa (webapp/chat_delivery.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict


@dataclass(frozen=True)
class Notice:
    """Something to say in the customer's chat, and what to do with the bot."""

    text: str
    metadata: Dict[str, Any]
    resume_bot: bool = False
    ask_rating: bool = False
