"""Kefu's socket.io channel for the website widget.

It is Rasa's own socket.io channel with these changes:
- each bot message goes out whole, in one event, with its metadata: the stock output
  splits texts at blank lines and drops metadata, which the widget needs (for
  example to show who wrote a message);
- malformed client payloads (not an object, a non-text message, metadata that is
  not an object) are answered as empty or ignored instead of raising;
- a message that got no reply at all gets an apology (kefu_rasa/silence.py);
- while a person has the chat, messages go to them and the bot stays silent
  (kefu_rasa/handoff_guard.py), and the console learns when the customer's chat
  window closes and comes back.
"""

from __future__ import annotations

import inspect
import json
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint
from socketio import AsyncServer

from kefu_rasa.handoff_guard import hold_for_agent, note_presence
from kefu_rasa.performance import install_cached_action_validation
from kefu_rasa.silence import never_silent

logger = logging.getLogger(__name__)

# Keys of a Rasa message dict that are content, not metadata.
_CONTENT_KEYS = {
    "text",
    "buttons",
    "quick_replies",
    "image",
    "attachment",
    "custom",
    "elements",
    "timestamp",
    "recipient_id",
}


class KefuSocketIOOutput(OutputChannel):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    def __init__(self, sio: AsyncServer, bot_message_evt: str) -> None:
        self.sio = sio
        self.bot_message_evt = bot_message_evt

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        await self.sio.emit(self.bot_message_evt, widget_payload(message), room=recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text, **kwargs})


def widget_payload(message: Dict[str, Any]) -> Dict[str, Any]:
    """One widget event for one Rasa message: text, quick replies, image, custom
    JSON, and everything else as `metadata`."""
    payload: Dict[str, Any] = {}
    if message.get("text"):
        payload["text"] = message["text"]
    buttons = message.get("buttons") or message.get("quick_replies") or []
    if buttons:
        payload["quick_replies"] = [
            {"content_type": "text", "title": b.get("title", ""), "payload": b.get("payload", "")}
            for b in buttons
        ]
    if message.get("image"):
        payload["attachment"] = {"type": "image", "payload": {"src": message["image"]}}
    if message.get("custom") is not None:
        payload["custom"] = message["custom"]
    if message.get("timestamp"):
        payload["timestamp"] = message["timestamp"]
    metadata = {k: v for k, v in message.items() if k not in _CONTENT_KEYS and _is_json(v)}
    if metadata:
        payload["metadata"] = metadata
    return payload


def _is_json(value: Any) -> bool:
    try:
        json.dumps(value)
        return True
    except (TypeError, ValueError):
        return False


def read_client_message(data: Any, metadata_key: str) -> Optional[Dict[str, Any]]:
    """`{"message", "session_id", "metadata"}` from a client event, or None when the
    payload is not an object at all."""
    if not isinstance(data, dict):
        return None
    message = data.get("message", "")
    if not isinstance(message, str):
        message = "" if message is None else str(message)
    metadata = data.get(metadata_key) or {}
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            metadata = {}
    if not isinstance(metadata, dict):
        metadata = {}
    session_id = data.get("session_id")
    return {
        "message": message,
        "session_id": session_id if isinstance(session_id, str) and session_id else None,
        "metadata": metadata,
    }


async def _maybe_await(result: Any) -> None:
    """Room changes are plain calls in python-socketio 5.8 and coroutines from 5.10."""
    if inspect.isawaitable(result):
        await result


class KefuSocketIOInput(SocketIOInput):
    """Rasa's socket.io input with Kefu's output and stricter payload handling."""

    def get_output_channel(self) -> Optional[OutputChannel]:
        if self.sio is None:
            return super().get_output_channel()
        return KefuSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        install_cached_action_validation()
        on_new_message = hold_for_agent(never_silent(on_new_message))
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None
        sessions: Dict[str, str] = {}  # socket id -> chat session id

        async def session_request(sid: str, data: Any) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = requested if isinstance(requested, str) and requested else uuid.uuid4().hex
            if self.session_persistence:
                await _maybe_await(sio.enter_room(sid, session_id))
            previous = sessions.get(sid)
            sessions[sid] = session_id
            await sio.emit("session_confirm", session_id, room=sid)
            await note_presence(session_id, present=True)
            if previous and previous != session_id:
                # The widget started a new conversation (say, the customer signed in):
                # this socket stops hearing the old one, which may have lost its customer.
                await _maybe_await(sio.leave_room(sid, previous))
                if previous not in sessions.values():
                    await note_presence(previous, present=False)

        async def disconnect(sid: str) -> None:
            session_id = sessions.pop(sid, None)
            if session_id and session_id not in sessions.values():
                await note_presence(session_id, present=False)

        async def handle_message(sid: str, data: Any) -> None:
            client = read_client_message(data, self.metadata_key)
            if client is None:
                logger.warning("Ignored a socket.io message that is not an object.")
                return
            if self.session_persistence:
                if not client["session_id"]:
                    logger.warning("Ignored a socket.io message without a session_id.")
                    return
                sender_id = client["session_id"]
            else:
                sender_id = sid
            await on_new_message(
                UserMessage(
                    client["message"],
                    KefuSocketIOOutput(sio, self.bot_message_evt),
                    sender_id,
                    input_channel=self.name(),
                    metadata=client["metadata"],
                )
            )

        # Replace the handlers the stock blueprint registered for these events.
        sio.on(self.user_message_evt, handler=handle_message, namespace=self.namespace)
        sio.on("session_request", handler=session_request, namespace=self.namespace)
        sio.on("disconnect", handler=disconnect, namespace=self.namespace)
        return socketio_webhook
