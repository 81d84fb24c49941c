"""The Rasa server's share of the consoles' live feed when scaled: what its handoff
guard commits (a customer's message for the agent, their coming and going) is
announced to the web processes on RabbitMQ (helpdesk/desk_announcer.py), so they
need not follow every event Rasa's broker publishes.

Each of Kefu's channels asks for this when Rasa builds its blueprint; the first
one's start does it, once per process. Nothing happens without KEFU_AMQP_URL (the
embedded default)."""

from __future__ import annotations

from typing import Any

from sanic import Blueprint

from helpdesk.config import Settings
from helpdesk.desk_announcer import ProcessAnnouncements

announcements = ProcessAnnouncements("rasa")


def announce_desk_changes(blueprint: Blueprint) -> None:
    """Starts the announcements with the server and stops them before it stops."""

    async def start(_app: Any, _loop: Any) -> None:
        announcements.start(Settings.from_env().amqp_url)

    async def stop(_app: Any, _loop: Any) -> None:
        await announcements.stop()

    blueprint.listener("after_server_start")(start)
    blueprint.listener("before_server_stop")(stop)
