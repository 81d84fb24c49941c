"""Kefu's REST channel: Rasa's, with metadata accepted only as a JSON object and
the never-silent safety net (kefu_rasa/silence.py) and the bot kept silent while a
person has the chat (kefu_rasa/handoff_guard.py)."""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.request import Request

from kefu_rasa.handoff_guard import hold_for_agent
from kefu_rasa.performance import install_cached_action_validation
from kefu_rasa.silence import never_silent


class KefuRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def get_metadata(self, request: Request) -> Optional[Dict[str, Any]]:
        body = request.json if isinstance(request.json, dict) else {}
        metadata = body.get("metadata")
        return metadata if isinstance(metadata, dict) else {}

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        install_cached_action_validation()
        return super().blueprint(hold_for_agent(never_silent(on_new_message)))
