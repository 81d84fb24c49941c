"""A thin client for the Rasa server's HTTP API (which needs the auth token), and
for the one route Kefu's socket.io channel adds beside it (the agent is typing),
which takes the same token."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional
from urllib.parse import quote

import httpx

# A typing signal is worth something for a few seconds only: never wait long for it.
TYPING_TIMEOUT_SECONDS = 2.0

class RasaUnavailable(RuntimeError):
    """The Rasa server did not answer."""


class RasaClient:
    def __init__(self, base_url: str, token: str, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self._http: Optional[httpx.AsyncClient] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None

    async def tracker(self, conversation_id: str) -> Optional[Dict[str, Any]]:
        """The conversation's tracker (all events since the last restart), or None
        when Rasa has never seen the conversation."""
        url = f"{self.base_url}/conversations/{quote(conversation_id, safe='')}/tracker"
        try:
            response = await self._client().get(
                url, params={"token": self.token, "include_events": "AFTER_RESTART"}
            )
        except httpx.HTTPError as error:
            raise RasaUnavailable(str(error)) from error
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered {response.status_code}")
        return response.json()

    async def append_events(self, conversation_id: str, events: List[Dict[str, Any]]) -> None:
        """Adds events to the conversation and carries out their side effects: a
        `bot` event is delivered to the channel the customer last wrote from."""
        await self._post(
            f"/conversations/{quote(conversation_id, safe='')}/tracker/events",
            events,
            {"execute_side_effects": "true", "output_channel": "latest", "include_events": "NONE"},
        )

    async def execute(self, conversation_id: str, action: str) -> None:
        """Runs one action in the conversation (its messages go to the customer)."""
        await self._post(
            f"/conversations/{quote(conversation_id, safe='')}/execute",
            {"name": action},
            {"output_channel": "latest", "include_events": "NONE"},
        )

    async def handoff_ended(self, conversation_id: str) -> None:
        """Tells Rasa that the conversation's handoff is over, so the bot's pause is
        lifted now (kefu_rasa/pause.py writes it; the web app never does)."""
        try:
            response = await self._client().post(
                f"{self.base_url}/webhooks/socketio/pause",
                json={"conversation_id": conversation_id},
                params={"token": self.token},
            )
        except httpx.HTTPError as error:
            raise RasaUnavailable(str(error) or type(error).__name__) from error
        if not response.is_success:
            raise RasaUnavailable(f"Rasa answered {response.status_code}")

    async def agent_typing(self, conversation_id: str, agent_name: str, typing: bool) -> None:
        """Tells the customer's widget that their agent is typing (or stopped),
        through Kefu's socket.io channel (kefu_rasa/socketio.py)."""
        try:
            response = await self._client().post(
                f"{self.base_url}/webhooks/socketio/typing",
                json={"conversation_id": conversation_id, "name": agent_name, "typing": typing},
                params={"token": self.token},
                timeout=TYPING_TIMEOUT_SECONDS,
            )
        except httpx.HTTPError as error:
            raise RasaUnavailable(str(error) or type(error).__name__) from error
        if not response.is_success:
            raise RasaUnavailable(f"Rasa answered {response.status_code}")

    async def _post(self, path: str, body: Any, params: Dict[str, str]) -> None:
        try:
            response = await self._client().post(
                f"{self.base_url}{path}", json=body, params={"token": self.token, **params}
            )
        except httpx.HTTPError as error:
            raise RasaUnavailable(str(error) or type(error).__name__) from error
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered {response.status_code}: {response.text[:300]}")

    def _client(self) -> httpx.AsyncClient:
        """One pooled client per event loop: replies reuse a warm connection."""
        loop = asyncio.get_running_loop()
        if self._http is None or self._http.is_closed or self._loop is not loop:
            self._http = httpx.AsyncClient(timeout=self.timeout)
            self._loop = loop
        return self._http

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None
