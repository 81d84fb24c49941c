"""A thin client for the Rasa server's HTTP API (which needs the auth token)."""

from __future__ import annotations

from typing import Any, Dict, Optional
from urllib.parse import quote

import httpx


class RasaUnavailable(RuntimeError):
    """The Rasa server did not answer."""


class RasaClient:
    def __init__(self, base_url: str, token: str, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    async def tracker(self, conversation_id: str) -> Optional[Dict[str, Any]]:
        """The conversation's tracker (all events since the last restart), or None
        when Rasa has never seen the conversation."""
        url = f"{self.base_url}/conversations/{quote(conversation_id, safe='')}/tracker"
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.get(
                    url, params={"token": self.token, "include_events": "AFTER_RESTART"}
                )
        except httpx.HTTPError as error:
            raise RasaUnavailable(str(error)) from error
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered {response.status_code}")
        return response.json()
