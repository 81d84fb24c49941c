"""A message the widget sends again is handled once.

The widget keeps each message until the Rasa server acknowledges it, which the
server does once the message has been handled and its conversation saved. If the
socket drops first (the Rasa process holding it died, say), the widget sends the
message again, with the same id, to whichever process it reconnects to. If the
first process had got as far as saving the conversation, the message is already
in it and must not be answered twice: a resent message whose id the
conversation already holds is skipped. The check runs inside the conversation's
turn (kefu_rasa/in_order.py), so a first attempt still running on another
process has finished by then.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Optional

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import UserUttered

from kefu_rasa.silence import running_agent

# The widget's ids (random hex); anything else is not an id and is ignored.
_CLIENT_MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
RESENT_KEY = "resent"


def client_message_id(data: Any) -> Optional[str]:
    """The message id a client gave, when it is one."""
    if not isinstance(data, dict):
        return None
    value = data.get("message_id")
    return value if isinstance(value, str) and _CLIENT_MESSAGE_ID.match(value) else None


def is_resent(metadata: Optional[Dict[str, Any]]) -> bool:
    return bool((metadata or {}).get(RESENT_KEY) is True)


async def already_handled(message: UserMessage) -> bool:
    """Whether a resent message is already in its conversation."""
    if not is_resent(message.metadata) or not message.message_id:
        return False
    agent = running_agent()
    if agent is None:
        return False
    tracker = await agent.tracker_store.retrieve(message.sender_id)
    if tracker is None:
        return False
    return any(
        isinstance(event, UserUttered) and event.message_id == message.message_id
        for event in tracker.events
    )
