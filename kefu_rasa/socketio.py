"""Kefu's socket.io channel for the website widget.

It is Rasa's own socket.io channel with these changes:
- each bot message goes out whole, in one event, with its metadata: the stock output
  splits texts at blank lines and drops metadata, which the widget needs (for
  example to show who wrote a message);
- sessions are issued by the server and bound to a secret only the widget holds
  (helpdesk/chat_sessions.py): a socket joins a conversation's room, and speaks
  for it, only after presenting that secret; a socket from a page whose origin is
  not one of the website's is refused;
- malformed client payloads (not an object, a non-text message, metadata that is
  not an object) are answered as empty or ignored instead of raising;
- every message goes through kefu_rasa/message_limits.py: stamped with its
  client's address, too-long messages answered without parsing, the bot silent
  while a person has the chat, and never silent otherwise; the console learns
  when the customer's chat window closes and comes back;
- `POST /webhooks/socketio/pause` (same token): the web app says a handoff ended,
  and the conversation's pause is made to agree with the database
  (kefu_rasa/pause.py is the one writer of the pause);
- typing both ways: the web app tells a customer that their agent is typing
  through an HTTP route of this blueprint (`POST /webhooks/socketio/typing`, with
  the token of Rasa's HTTP API, `KEFU_RASA_TOKEN`), which emits `agent_typing` to
  the conversation's room; a widget's `user_typing` is recorded for the console
  for the session its socket was confirmed for, at most every few seconds
  (helpdesk/typing_signals.py says why it is a column and not an event).
"""

from __future__ import annotations

import hmac
import inspect
import json
import logging
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Optional, Tuple

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from helpdesk.chat_metadata import stamped_metadata
from helpdesk.chat_sessions import is_valid_session, issue_session
from kefu_rasa.desk_notices import announce_desk_changes
from kefu_rasa.handoff_guard import (
    deliver_spool_on_start,
    match_pause_to_desk,
    note_customer_typing,
    note_presence,
)
from kefu_rasa.message_limits import kefu_message_handler, settings
from kefu_rasa.performance import install_cached_action_validation
from kefu_rasa.presence import SharedPresence, presence_for
from kefu_rasa.resent import client_message_id
from kefu_rasa.socketio_routing import share_rooms_through_redis

logger = logging.getLogger(__name__)

# What the widget hears while its agent types, and the longest agent name passed on.
AGENT_TYPING_EVT = "agent_typing"
AGENT_NAME_MAX_CHARS = 200
CONVERSATION_ID_MAX_CHARS = 128
# A socket's typing is written to the database at most this often (the console
# shows "... is typing" for a few seconds after each signal); a little less than
# the widget's own 2 s, so each of its signals gets through.
CUSTOMER_TYPING_EVERY_SECONDS = 1.5

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
    """`{"message", "metadata"}` from a client event, or None when the payload is
    not an object at all. The text is the client's only if it is a string (a number
    or an object is not a message); whatever session the client names is ignored:
    a socket speaks for the session it was confirmed for, nothing else."""
    if not isinstance(data, dict):
        return None
    message = data.get("message", "")
    if not isinstance(message, str):
        message = ""
    metadata = data.get(metadata_key) or {}
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            metadata = {}
    if not isinstance(metadata, dict):
        metadata = {}
    return {"message": message, "metadata": metadata}


def requested_session(data: Any) -> Tuple[Optional[str], Optional[str]]:
    """The session id and secret a widget asks to continue (None, None: a new one)."""
    if not isinstance(data, dict):
        return None, None
    session_id, secret = data.get("session_id"), data.get("session_secret")
    return (
        session_id if isinstance(session_id, str) else None,
        secret if isinstance(secret, str) else None,
    )


def origin_allowed(environ: Dict[str, Any], allowed: Tuple[str, ...]) -> bool:
    """Browsers send the page's origin; other clients (no Origin) are judged by
    their session secret alone."""
    origin = environ.get("HTTP_ORIGIN")
    return not origin or origin.rstrip("/") in allowed


def client_address(environ: Dict[str, Any]) -> str:
    request = environ.get("sanic.request")
    if request is None:
        return ""
    return request.remote_addr or request.ip or ""


def token_matches(expected: str, provided: Any) -> bool:
    """Whether a caller presented the token of Rasa's HTTP API. Without a token
    configured (KEFU_RASA_TOKEN) nobody is let in: a route that emits into
    customers' chats is never open."""
    if not expected or not isinstance(provided, str):
        return False
    return hmac.compare_digest(expected.encode(), provided.encode())


def agent_typing_event(body: Any) -> Optional[Tuple[str, Dict[str, Any]]]:
    """(the conversation's room, the widget's `agent_typing` data) from the web
    app's request, or None when the body is not one."""
    if not isinstance(body, dict):
        return None
    conversation_id, name, typing = (
        body.get("conversation_id"),
        body.get("name"),
        body.get("typing"),
    )
    if (
        not isinstance(conversation_id, str)
        or not 0 < len(conversation_id) <= CONVERSATION_ID_MAX_CHARS
    ):
        return None
    if not isinstance(name, str) or not isinstance(typing, bool):
        return None
    return conversation_id, {"name": name.strip()[:AGENT_NAME_MAX_CHARS], "typing": typing}


async def relay_agent_typing(
    sio: AsyncServer, expected_token: str, provided_token: Any, body: Any, namespace: Optional[str]
) -> int:
    """Emits the agent's typing to the customer's room; the HTTP status to answer."""
    if not token_matches(expected_token, provided_token):
        return 401
    event = agent_typing_event(body)
    if event is None:
        return 400
    room, data = event
    await sio.emit(AGENT_TYPING_EVT, data, room=room, namespace=namespace)
    return 204


async def sync_pause(expected_token: str, provided_token: Any, body: Any) -> int:
    """Makes a conversation's pause agree with the database (the web app asks when a
    handoff ends); the HTTP status to answer."""
    if not token_matches(expected_token, provided_token):
        return 401
    conversation_id = body.get("conversation_id") if isinstance(body, dict) else None
    if (
        not isinstance(conversation_id, str)
        or not 0 < len(conversation_id) <= CONVERSATION_ID_MAX_CHARS
    ):
        return 400
    await match_pause_to_desk(conversation_id)
    return 204


def _json_body(request: Request) -> Any:
    try:
        return request.json
    except InvalidUsage:
        return None


async def _maybe_await(result: Any) -> None:
    """Room changes are plain calls in python-socketio 5.8 and coroutines from 5.10."""
    if inspect.isawaitable(result):
        await result


@dataclass
class _Socket:
    """What the server knows about one connected widget."""

    client: str
    session_id: Optional[str] = None
    typing_noted_at: float = float("-inf")  # time.monotonic() of the last typing written


class KefuSocketIOInput(SocketIOInput):
    """Rasa's socket.io input with Kefu's output, server-issued sessions and
    stricter payload handling."""

    def get_output_channel(self) -> Optional[OutputChannel]:
        if self.sio is None:
            return super().get_output_channel()
        return KefuSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        install_cached_action_validation()
        on_new_message = kefu_message_handler(on_new_message)
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None
        announce_desk_changes(socketio_webhook)
        deliver_spool_on_start(socketio_webhook)
        sockets: Dict[str, _Socket] = {}
        presence = presence_for(settings().redis_url)  # other processes' sockets
        if isinstance(presence, SharedPresence):
            share_rooms_through_redis(sio, presence, settings().redis_url)

        def session_in_use(session_id: str) -> bool:
            return any(s.session_id == session_id for s in sockets.values())

        async def connect(sid: str, environ: Dict[str, Any], auth: Any = None) -> bool:
            if not origin_allowed(environ, settings().website_origins):
                logger.warning("Refused a socket.io connection from %s", environ.get("HTTP_ORIGIN"))
                return False
            sockets[sid] = _Socket(client=client_address(environ))
            return True

        async def session_request(sid: str, data: Any) -> None:
            socket = sockets.setdefault(sid, _Socket(client=""))
            key = settings().session_secret
            session_id, secret = requested_session(data)
            if session_id is None or not is_valid_session(key, session_id, secret):
                # New, or not provably this browser's: a fresh session of its own.
                issued = issue_session(key)
                session_id, secret = issued.session_id, issued.session_secret
            previous = socket.session_id
            socket.session_id = session_id
            if self.session_persistence:
                await _maybe_await(sio.enter_room(sid, session_id))
            # Recorded before the widget hears its session, so the replies to its
            # first message are routed here (kefu_rasa/socketio_routing.py).
            await presence.joined(session_id, sid)
            await sio.emit(
                "session_confirm", {"session_id": session_id, "session_secret": secret}, room=sid
            )
            await note_presence(session_id, present=True)
            if previous and previous != session_id:
                # The widget started a new conversation (say, the customer signed in):
                # this socket stops hearing the old one, which may have lost its customer.
                await _maybe_await(sio.leave_room(sid, previous))
                await window_closed(previous, sid)

        async def window_closed(session_id: str, sid: str) -> None:
            """The customer left when no window of theirs shows the chat any more,
            here or on another Rasa process (kefu_rasa/presence.py)."""
            elsewhere = await presence.others_present(session_id, sid)
            if not session_in_use(session_id) and not elsewhere:
                await note_presence(session_id, present=False)

        async def disconnect(sid: str) -> None:
            socket = sockets.pop(sid, None)
            if socket and socket.session_id:
                await window_closed(socket.session_id, sid)

        async def handle_message(sid: str, data: Any) -> Optional[Dict[str, Any]]:
            client = read_client_message(data, self.metadata_key)
            socket = sockets.get(sid)
            if client is None or socket is None or socket.session_id is None:
                logger.warning("Ignored a socket.io message from a socket without a session.")
                return None
            message_id = client_message_id(data)
            await on_new_message(
                UserMessage(
                    client["message"],
                    KefuSocketIOOutput(sio, self.bot_message_evt),
                    socket.session_id,
                    input_channel=self.name(),
                    message_id=message_id,
                    metadata=stamped_metadata(client["metadata"], socket.client, self.name()),
                )
            )
            # The acknowledgement: the widget forgets the message only now, once it
            # has been handled and its conversation saved (kefu_rasa/resent.py).
            return {"received": message_id}

        async def customer_typing(sid: str, data: Any = None) -> None:
            # Whatever the payload names, the socket types for its own session only.
            socket = sockets.get(sid)
            if socket is None or socket.session_id is None:
                return
            moment = time.monotonic()
            if moment - socket.typing_noted_at < CUSTOMER_TYPING_EVERY_SECONDS:
                return
            socket.typing_noted_at = moment
            await note_customer_typing(socket.session_id)

        async def agent_typing(request: Request) -> HTTPResponse:
            status = await relay_agent_typing(
                sio,
                settings().rasa_token,
                request.args.get("token"),
                _json_body(request),
                self.namespace,
            )
            if status == 204:
                return response.empty()
            return response.json({"status": "refused"}, status=status)

        async def pause(request: Request) -> HTTPResponse:
            status = await sync_pause(
                settings().rasa_token, request.args.get("token"), _json_body(request)
            )
            if status == 204:
                return response.empty()
            return response.json({"status": "refused"}, status=status)

        socketio_webhook.add_route(agent_typing, "/typing", methods=["POST"])
        socketio_webhook.add_route(pause, "/pause", methods=["POST"])
        sio.on("user_typing", handler=customer_typing, namespace=self.namespace)
        # Replace the handlers the stock blueprint registered for these events.
        sio.on("connect", handler=connect, namespace=self.namespace)
        sio.on(self.user_message_evt, handler=handle_message, namespace=self.namespace)
        sio.on("session_request", handler=session_request, namespace=self.namespace)
        sio.on("disconnect", handler=disconnect, namespace=self.namespace)
        return socketio_webhook
