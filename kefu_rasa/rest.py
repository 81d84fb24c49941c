"""Kefu's REST channel: Rasa's request and answer format, for sessions the server
issued.

    POST /webhooks/rest/session   -> {"session_id": "...", "session_secret": "..."}
    POST /webhooks/rest/webhook   {"sender": session_id, "message": "...",
                                   "metadata": {...}}  with the header
                                   X-Kefu-Session-Secret (or "session_secret" in the body)
                                  -> [{"recipient_id": ..., "text": ...}, ...]

A conversation can only be continued by whoever holds its session secret (the
widget's sessions work here too), so knowing a session id is not enough to read or
write a chat. A body that is not a JSON object, a `message` that is not text and a
body over `MAX_BODY_BYTES` get a 400 or 413 with a reason, never a 500 or an empty
answer. Every message then goes through kefu_rasa/message_limits.py like the
widget's. (Rasa's `stream` option is not offered.)
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from helpdesk.chat_metadata import stamped_metadata
from helpdesk.chat_sessions import is_valid_session, issue_session
from kefu_rasa.desk_notices import announce_desk_changes
from kefu_rasa.handoff_guard import deliver_spool_on_start
from kefu_rasa.message_limits import kefu_message_handler, settings
from kefu_rasa.performance import install_cached_action_validation

SESSION_HEADER = "x-kefu-session-secret"
MAX_BODY_BYTES = 1_000_000


class RestRequestError(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def read_webhook_request(request: Request) -> Tuple[str, str, Dict[str, Any]]:
    """(sender, text, metadata) of a webhook call; raises `RestRequestError`."""
    if len(request.body or b"") > MAX_BODY_BYTES:
        raise RestRequestError(413, f"The request is larger than {MAX_BODY_BYTES:,} bytes.")
    try:
        body = request.json
    except SanicException:
        body = None
    if not isinstance(body, dict):
        raise RestRequestError(
            400, 'The body must be a JSON object: {"sender": ..., "message": ...}.'
        )
    sender, text = body.get("sender"), body.get("message", "")
    if not isinstance(sender, str) or not sender:
        raise RestRequestError(400, '"sender" must be the session id from /webhooks/rest/session.')
    if not isinstance(text, str):
        raise RestRequestError(400, '"message" must be text.')
    secret = request.headers.get(SESSION_HEADER) or body.get("session_secret")
    if not is_valid_session(settings().session_secret, sender, secret):
        raise RestRequestError(
            403, "Unknown chat session: start one with POST /webhooks/rest/session."
        )
    metadata = body.get("metadata")
    return sender, text, metadata if isinstance(metadata, dict) else {}


def client_address(request: Request) -> str:
    """The caller's address; behind a proxy Sanic reads it from the forwarding
    headers only when told to trust them (SANIC_PROXIES_COUNT, SANIC_REAL_IP_HEADER)."""
    return request.remote_addr or request.ip or ""


class KefuRestInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        install_cached_action_validation()
        handle = kefu_message_handler(on_new_message)
        webhook = Blueprint("kefu_rest_webhook", __name__)
        announce_desk_changes(webhook)
        deliver_spool_on_start(webhook)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/session", methods=["POST"])
        async def new_session(_: Request) -> HTTPResponse:
            issued = issue_session(settings().session_secret)
            return response.json(
                {"session_id": issued.session_id, "session_secret": issued.session_secret}
            )

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, text, metadata = read_webhook_request(request)
            except RestRequestError as error:
                return response.json({"error": error.reason}, status=error.status)
            collector = CollectingOutputChannel()
            await handle(
                UserMessage(
                    text,
                    collector,
                    sender,
                    input_channel=self.name(),
                    metadata=stamped_metadata(metadata, client_address(request), self.name()),
                )
            )
            return response.json(collector.messages)

        return webhook
