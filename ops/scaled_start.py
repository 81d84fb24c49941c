"""`./kefu start --scale N`: checks the shared services, makes the PostgreSQL
database if it is missing, and builds the scaled stack (ops/scaled.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Tuple
from urllib.parse import urlparse

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ops.scaled import (
    CONVERSATION_LOG_QUEUE,
    DEFAULT_AMQP_URL,
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    ScaledConfig,
    ScaledStack,
)

# The company's consumers of Rasa's events may be away; the queue kept for them
# holds at most this many events, dropping the oldest (RabbitMQ policy).
CONVERSATION_LOG_MAX_EVENTS = 100_000


@dataclass(frozen=True)
class ScaledSettings:
    scale: int
    database_url: str
    redis_url: str
    amqp_url: str
    # how many of one server when not `scale` (`--rasa 3 --web 1`)
    counts: Dict[str, Optional[int]] = field(default_factory=dict)


def scaled_settings(scale: int, **counts: Optional[int]) -> ScaledSettings:
    """The shared services' addresses (this machine's unless configured), checked
    to answer before anything starts; `counts` (rasa=, actions=, web=) override the
    scale for one server."""
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgresql"):
        database_url = DEFAULT_DATABASE_URL
    settings = ScaledSettings(
        scale=scale,
        database_url=database_url,
        redis_url=os.environ.get("KEFU_REDIS_URL") or DEFAULT_REDIS_URL,
        amqp_url=os.environ.get("KEFU_AMQP_URL") or DEFAULT_AMQP_URL,
        counts=counts,
    )
    for name, url, port in (
        ("PostgreSQL", settings.database_url, 5432),
        ("Redis", settings.redis_url, 6379),
        ("RabbitMQ", settings.amqp_url, 5672),
    ):
        parsed = urlparse(url)
        try:
            socket.create_connection(
                (parsed.hostname or "127.0.0.1", parsed.port or port), 3
            ).close()
        except OSError as error:
            raise RuntimeError(f"{name} does not answer at {url}: {error}") from error
    ensure_database(settings.database_url)
    limit_conversation_log()
    return settings


def ensure_database(database_url: str) -> None:
    """Creates the PostgreSQL database named in the URL when it does not exist."""
    url = make_url(database_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
            ).first()
            if not exists:
                print(f"[kefu] creating the PostgreSQL database {url.database}")
                connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    finally:
        admin.dispose()


def limit_conversation_log() -> None:
    """Bounds the queue of Rasa's events kept for the company's own consumers, so it
    never fills RabbitMQ while nobody reads it (rabbitmqctl, when on this machine;
    deploy/rabbitmq/definitions.json does the same in production)."""
    policy = f'{{"max-length": {CONVERSATION_LOG_MAX_EVENTS}, "overflow": "drop-head"}}'
    pattern = "^" + CONVERSATION_LOG_QUEUE.replace(".", r"\.") + "$"
    try:
        subprocess.run(
            [
                "rabbitmqctl",
                "set_policy",
                "kefu-conversation-log",
                pattern,
                policy,
                "--apply-to",
                "queues",
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        print(
            f"[kefu] warning: could not set RabbitMQ's length limit on {CONVERSATION_LOG_QUEUE} "
            "(rabbitmqctl); set it as deploy/rabbitmq/definitions.json does",
            file=sys.stderr,
        )


def scaled_stack(settings: ScaledSettings, common: Dict[str, Any]) -> Tuple[ScaledStack, str]:
    """The stack, and the lines that say where its processes are."""
    config = ScaledConfig(
        **common,
        scale=settings.scale,
        redis_url=settings.redis_url,
        amqp_url=settings.amqp_url,
        **settings.counts,
    )

    def ports(values: list) -> str:
        return ", ".join(str(port) for port in values)

    where = (
        f"  Rasa (REST, socket.io, HTTP API): http://localhost:{config.rasa_port}/ "
        f"(nginx; {len(config.rasa_ports)} Rasa servers on ports {ports(config.rasa_ports)})\n"
        f"  action servers:                  http://localhost:{config.actions_port}/ "
        f"(nginx; {len(config.actions_ports)} on ports {ports(config.actions_ports)})\n"
        f"  web processes:                   {len(config.web_ports)} on ports "
        f"{ports(config.web_ports)}, behind nginx on {config.web_port}\n"
        f"  PostgreSQL: {_safe(settings.database_url)}\n"
        f"  Redis:      {_safe(settings.redis_url)}\n"
        f"  RabbitMQ:   {_safe(settings.amqp_url)}\n"
    )
    return ScaledStack(config, echo=sys.stdout), where


def _safe(url: str) -> str:
    """A URL without its password, for the terminal."""
    parsed = urlparse(url)
    if parsed.password:
        netloc = parsed.netloc.replace(f":{parsed.password}@", ":***@")
        return parsed._replace(netloc=netloc).geturl()
    return url
