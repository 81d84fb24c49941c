"""Security headers on every response the web app sends.

Every page gets a Content-Security-Policy that runs only the app's own scripts and
styles (the templates have no inline script or style, and must not get any), so
markup that slipped into a page - an article, a customer's message rendered by
mistake - cannot run. No page may be framed (`frame-ancestors 'none'` and
X-Frame-Options for older browsers): the console's buttons must not be clickable
through someone else's page. A company that puts the widget on its own site is
unaffected: there the widget is a script on their page, under their policy.

The shop and help pages carry the chat widget, which talks to the Rasa server
(`public_rasa_url`) over socket.io, by HTTP polling and by WebSocket: their
`connect-src` names that origin with both schemes. The console talks only to this
app (the JSON API and its server-sent events). Other responses (JSON, the event
stream, static files) get a policy that allows nothing, and everything gets
`nosniff` and a referrer policy that sends other sites the origin at most.

A route that needs another policy (the API documentation, whose one inline script
is allowed by its hash) sets the header itself; it is left as it is.
"""

from __future__ import annotations

from typing import Dict, Tuple
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_PAGE_POLICY: Dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
NOTHING_POLICY = "default-src 'none'; frame-ancestors 'none'"
CONSOLE_PREFIX = "/console"
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def content_security_policy(**changes: str) -> str:
    """The pages' policy, with directives replaced (`script_src="..."` stands for
    `script-src`)."""
    directives = {**_PAGE_POLICY, **{k.replace("_", "-"): v for k, v in changes.items()}}
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def socket_origins(url: str) -> Tuple[str, ...]:
    """The origins a socket.io client reaches `url` at: http(s) for polling and
    ws(s) for the WebSocket; none for something that is not an http(s) address."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    if parts.scheme not in ("http", "https") or not host:
        return ()
    socket_scheme = "wss" if parts.scheme == "https" else "ws"
    return (f"{parts.scheme}://{host}", f"{socket_scheme}://{host}")


class SecurityHeaders:
    """ASGI middleware (not BaseHTTPMiddleware: the console's event stream must
    pass through unbuffered). Adds headers to the response's start message."""

    def __init__(self, app: ASGIApp, public_rasa_url: str) -> None:
        self.app = app
        rasa = " ".join(socket_origins(public_rasa_url))
        self.shop_policy = content_security_policy(connect_src=f"'self' {rasa}".strip())
        self.console_policy = content_security_policy()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._add(MutableHeaders(scope=message), path)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _add(self, headers: MutableHeaders, path: str) -> None:
        for name, value in COMMON_HEADERS.items():
            headers.setdefault(name, value)
        if not headers.get("content-type", "").startswith("text/html"):
            headers.setdefault("Content-Security-Policy", NOTHING_POLICY)
            return
        headers.setdefault("X-Frame-Options", "DENY")
        is_console = path == CONSOLE_PREFIX or path.startswith(CONSOLE_PREFIX + "/")
        headers.setdefault(
            "Content-Security-Policy", self.console_policy if is_console else self.shop_policy
        )
