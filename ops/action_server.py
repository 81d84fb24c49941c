"""The action server as Kefu runs it: rasa-sdk's own app, closed to strangers.

rasa-sdk listens on every interface and runs whatever action any caller names,
with whatever tracker the caller makes up. Kefu's action server listens on loopback
unless `KEFU_ACTION_SERVER_HOST` says otherwise, and answers `/webhook` and
`/actions` only to a caller that sends the shared `KEFU_ACTION_TOKEN` (the Rasa
server sends it, see ops/stack_endpoints.yml); `/health` stays open for load balancers. Errors
are logged here, not echoed back with the request that caused them.

    python -m ops.action_server --port 5055
"""

from __future__ import annotations

import argparse
import hmac
import logging
from typing import Optional

from rasa_sdk.endpoint import create_app as create_sdk_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from helpdesk.config import Settings
from helpdesk.desk_announcer import ProcessAnnouncements

logger = logging.getLogger(__name__)
ACTIONS_PACKAGE = "actions"
OPEN_PATHS = ("/health",)


def create_app(settings: Settings, actions_package: str = ACTIONS_PACKAGE) -> Sanic:
    app = create_sdk_app(actions_package, cors_origins=None)
    expected = f"Bearer {settings.action_token}".encode()

    @app.on_request
    async def require_token(request: Request) -> Optional[HTTPResponse]:
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get("authorization", "").encode()
        if not settings.action_token or not hmac.compare_digest(given, expected):
            return response.json(
                {"error": "This action server answers Kefu's Rasa server only."}, 401
            )
        return None

    async def log_without_echo(request: Request, exception: Exception) -> HTTPResponse:
        logger.error("action call failed", exc_info=exception)
        return response.json({"error": "The action failed; see the action server's log."}, 500)

    app.error_handler.add(Exception, log_without_echo)

    # Scaled: what the actions commit (a new handoff, a ticket) is announced to the
    # web processes' consoles (helpdesk/desk_announcer.py); nothing without a broker.
    announcements = ProcessAnnouncements("actions")

    async def announce(_app: Sanic, _loop: object) -> None:
        announcements.start(settings.amqp_url)

    async def stop_announcing(_app: Sanic, _loop: object) -> None:
        await announcements.stop()

    app.register_listener(announce, "after_server_start")
    app.register_listener(stop_announcing, "before_server_stop")
    return app


async def warm_up(app: Sanic, loop: object) -> None:
    """Builds the FAQ matcher of every language (and loads the sentence encoder)
    before the first customer's question has to wait for it."""
    from actions.common import default_services

    try:
        services = default_services()
        for language in services.replies().languages:
            services.faq_matcher(language)
    except Exception:  # the first question will report it properly
        logger.exception("could not prepare the knowledge base at start-up")


def main(argv: Optional[list] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s  %(message)s"
    )
    settings = Settings.from_env().check()
    app = create_app(settings)
    app.before_server_start(warm_up)
    logger.info(
        "Kefu's action server on http://%s:%d (calls need the action token)",
        settings.action_server_host,
        args.port,
    )
    app.run(settings.action_server_host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
