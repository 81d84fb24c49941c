"""Chat sessions the server issues, each bound to a secret only its browser holds.

A chat's session id names the conversation everywhere (Rasa's tracker, the agents'
queue, logs), so it cannot also be the proof of who may read and continue it.
The server draws the id (192 random bits) and hands the browser a second value
with it: an HMAC of the id under `KEFU_SESSION_SECRET`. The history, the socket.io
room and both chat channels ask for that value; nothing is stored, so every Rasa
and web process that knows the key can check it, and a leaked id is useless alone.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

SESSION_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32,128}$")


@dataclass(frozen=True)
class ChatSession:
    session_id: str
    session_secret: str


def session_secret_for(key: str, session_id: str) -> str:
    digest = hmac.new(key.encode(), f"kefu-chat-session\0{session_id}".encode(), hashlib.sha256)
    return digest.hexdigest()


def issue_session(key: str) -> ChatSession:
    session_id = secrets.token_urlsafe(24)
    return ChatSession(session_id, session_secret_for(key, session_id))


def is_valid_session(key: str, session_id: object, session_secret: object) -> bool:
    """Whether `session_secret` is the one issued with `session_id` (never raises)."""
    if not isinstance(session_id, str) or not isinstance(session_secret, str):
        return False
    if not SESSION_ID_PATTERN.match(session_id) or len(session_secret) > 128:
        return False
    expected = session_secret_for(key, session_id)
    return hmac.compare_digest(expected.encode(), session_secret.encode())
