"""A customer's conversation through Kefu's REST channel, as the tests and the
benchmarks hold one: a session issued by the server, then messages sent with its
secret (kefu_rasa/rest.py)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import httpx
import requests

SESSION_HEADER = "X-Kefu-Session-Secret"


class RestChat:
    def __init__(
        self,
        rasa_url: str,
        metadata: Optional[Dict[str, Any]] = None,
        headers: Optional[Dict[str, str]] = None,
        timeout: float = 120.0,
    ) -> None:
        self.rasa_url = rasa_url.rstrip("/")
        self.metadata = metadata or {}
        self.headers = dict(headers or {})
        self.timeout = timeout
        response = requests.post(
            f"{self.rasa_url}/webhooks/rest/session", headers=self.headers, timeout=timeout
        )
        response.raise_for_status()
        issued = response.json()
        self.sender: str = issued["session_id"]
        self.secret: str = issued["session_secret"]

    def post(self, message: Any, metadata: Optional[Dict[str, Any]] = None) -> requests.Response:
        """The raw answer to one message (for tests about status codes)."""
        return requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={
                "sender": self.sender,
                "message": message,
                "metadata": self.metadata if metadata is None else metadata,
            },
            headers={**self.headers, SESSION_HEADER: self.secret},
            timeout=self.timeout,
        )

    def send(self, message: Any, metadata: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        """The bot's replies to one message; raises unless Rasa answered 200."""
        response = self.post(message, metadata)
        assert response.status_code == 200, response.text[:500]
        return response.json()

    def say(self, message: str, metadata: Optional[Dict[str, Any]] = None) -> List[str]:
        """The texts of the bot's replies."""
        return [reply.get("text") or "" for reply in self.send(message, metadata)]


async def open_session(client: httpx.AsyncClient, rasa_url: str) -> Tuple[str, str]:
    """(session id, secret) for a new conversation, for asynchronous load tests."""
    response = await client.post(f"{rasa_url.rstrip('/')}/webhooks/rest/session")
    response.raise_for_status()
    issued = response.json()
    return issued["session_id"], issued["session_secret"]
