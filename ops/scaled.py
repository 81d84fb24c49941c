"""Kefu scaled out on one machine: N Rasa servers, N action servers and N web
processes behind nginx, on PostgreSQL, Redis and RabbitMQ (`./kefu start --scale
N`, and the tests and benchmark of scale-out).

nginx listens where the single servers of the embedded default listen (the web
app's port, the Rasa port, the action server's port), so every address the
servers and the widget use stays what it was; behind each port is an upstream of
N processes on ports of their own. What each process reads:

- the Rasa servers: `ops/scale_endpoints.yml` (PostgreSQL tracker store, Kefu's
  Redis lock store, Rasa's Pika event broker), and KEFU_REDIS_URL for socket.io
  rooms shared between them and the arrival order of messages;
- the web processes: DATABASE_URL (PostgreSQL) and KEFU_AMQP_URL for the consoles'
  live feed; the sweeper runs in one of them at a time (helpdesk/leases.py);
- the widget: WebSocket only (docs/scaling.md says why).

docs/scaling.md, deploy/docker-compose.yml and deploy/kubernetes/ describe the
same processes and settings for production; tests/deploy checks they agree with
`scaled_environment` below.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional
from urllib.parse import unquote, urlparse

import requests

from ops.paths import ROOT
from ops.servers import Stack, StackConfig, free_ports

# The services of this machine (development and CI); production sets its own.
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/kefu"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
# Rasa's events go to this exchange (fanout): each web process binds a queue of
# its own to follow the conversations, and a company's own consumers (analytics,
# a data warehouse) bind theirs, as to any Rasa event broker.
CONVERSATION_EXCHANGE = "kefu-conversations"
CONVERSATION_LOG_QUEUE = "kefu.conversation_log"
NGINX_TEMPLATE = ROOT / "ops" / "nginx.conf.template"


@dataclass
class ScaledConfig(StackConfig):
    """A StackConfig whose ports are nginx's, with `scale` processes of each server
    behind it on `rasa_ports`, `actions_ports` and `web_ports`, unless `rasa`,
    `actions` or `web` says how many of that one: Rasa is the server that costs the
    most per message (docs/scaling.md), so a company adds Rasa processes first."""

    scale: int = 2
    rasa: Optional[int] = None
    actions: Optional[int] = None
    web: Optional[int] = None
    redis_url: str = DEFAULT_REDIS_URL
    amqp_url: str = DEFAULT_AMQP_URL
    rasa_ports: List[int] = field(default_factory=list)
    actions_ports: List[int] = field(default_factory=list)
    web_ports: List[int] = field(default_factory=list)
    endpoints: str = "ops/scale_endpoints.yml"

    def __post_init__(self) -> None:
        self.rasa = self.scale if self.rasa is None else self.rasa
        self.actions = self.scale if self.actions is None else self.actions
        self.web = self.scale if self.web is None else self.web
        if min(self.scale, self.rasa, self.actions, self.web) < 1:
            raise ValueError("every server runs at least one process")
        if self.rasa_ports and self.actions_ports and self.web_ports:  # given: they say
            self.rasa, self.actions, self.web = (
                len(self.rasa_ports),
                len(self.actions_ports),
                len(self.web_ports),
            )
            return
        ports = free_ports(self.rasa + self.actions + self.web)
        self.rasa_ports = ports[: self.rasa]
        self.actions_ports = ports[self.rasa : self.rasa + self.actions]
        self.web_ports = ports[self.rasa + self.actions :]

    def counts(self) -> Dict[str, int]:
        """How many processes of each server: {"rasa": 2, "actions": 1, "web": 1}."""
        return {"rasa": self.rasa or 0, "actions": self.actions or 0, "web": self.web or 0}

    def environment(self) -> Dict[str, str]:
        env = super().environment()
        env.update(scaled_environment(self.database_url, self.redis_url, self.amqp_url))
        # Behind nginx every request comes from it: the client's own address, which
        # the per-client limits count by, is in X-Forwarded-For (one proxy trusted).
        env["SANIC_PROXIES_COUNT"] = "1"
        env.update(self.extra_env)
        return env


def scaled_environment(database_url: str, redis_url: str, amqp_url: str) -> Dict[str, str]:
    """The settings that make the servers share state (beside those of
    StackConfig.environment): the ones every deployment description sets too."""
    database = urlparse(database_url)
    broker = urlparse(amqp_url)
    return {
        "DATABASE_URL": database_url,
        "KEFU_REDIS_URL": redis_url,
        "KEFU_AMQP_URL": amqp_url,
        "KEFU_SOCKETIO_TRANSPORTS": "websocket",
        # Rasa's endpoints take the parts, not URLs (ops/scale_endpoints.yml).
        "KEFU_TRACKER_DB_HOST": database.hostname or "127.0.0.1",
        "KEFU_TRACKER_DB_PORT": str(database.port or 5432),
        "KEFU_TRACKER_DB_NAME": database.path.lstrip("/") or "kefu",
        "KEFU_TRACKER_DB_USER": unquote(database.username or "postgres"),
        "KEFU_TRACKER_DB_PASSWORD": unquote(database.password or ""),
        "KEFU_LOCK_REDIS_URL": _redis_db(redis_url, 1),
        "KEFU_BROKER_HOST": broker.hostname or "127.0.0.1",
        "KEFU_BROKER_PORT": str(broker.port or 5672),
        "KEFU_BROKER_USER": unquote(broker.username or "guest"),
        "KEFU_BROKER_PASSWORD": unquote(broker.password or "guest"),
        "KEFU_BROKER_EXCHANGE": CONVERSATION_EXCHANGE,
        "KEFU_BROKER_QUEUE": CONVERSATION_LOG_QUEUE,
    }


def _redis_db(redis_url: str, db: int) -> str:
    """The same Redis server, another of its databases (the locks apart from the
    socket.io messages, so flushing one never drops the other)."""
    parsed = urlparse(redis_url)
    return parsed._replace(path=f"/{db}").geturl()


def nginx_binary() -> str:
    found = os.environ.get("KEFU_NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(found).exists():
        raise RuntimeError(
            "the scaled setup needs nginx (Debian: apt install nginx-light), "
            "or KEFU_NGINX=/path/to/nginx"
        )
    return found


def render_nginx_conf(config: ScaledConfig, prefix: Path) -> Path:
    """Writes the nginx configuration for these ports into `prefix`."""
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "temp" / name).mkdir(parents=True, exist_ok=True)
    # Started by root, nginx's workers would run as nobody, who may not enter the
    # folders of this run (a test's are private): they run as the starting user.
    user = "user root;" if os.geteuid() == 0 else ""

    def servers(ports: List[int]) -> str:
        return "\n".join(f"        server {config.host}:{port};" for port in ports)

    text = NGINX_TEMPLATE.read_text()
    for key, value in {
        "PREFIX": str(prefix),
        "USER_DIRECTIVE": user,
        "LISTEN_HOST": config.host,
        "WEB_PORT": str(config.web_port),
        "RASA_PORT": str(config.rasa_port),
        "ACTIONS_PORT": str(config.actions_port),
        "WEB_SERVERS": servers(config.web_ports),
        "RASA_SERVERS": servers(config.rasa_ports),
        "ACTIONS_SERVERS": servers(config.actions_ports),
    }.items():
        text = text.replace("{{" + key + "}}", value)
    path = prefix / "nginx.conf"
    path.write_text(text)
    return path


class ScaledStack(Stack):
    """The scaled processes; `kill("rasa-2")`, `restart("web-1")` as with Stack."""

    config: ScaledConfig

    def __init__(self, config: ScaledConfig, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(config, **kwargs)

    def commands(self) -> Dict[str, List[str]]:
        c = self.config
        single = Stack(c).commands()
        commands: Dict[str, List[str]] = {}
        # action servers first: Rasa's servers and the web processes call them
        for kind in ("actions", "rasa", "web"):
            for number, port in enumerate(self._ports(kind), start=1):
                commands[f"{kind}-{number}"] = _with_port(single[kind], port)
        prefix = c.log_dir.parent / "nginx"
        conf = render_nginx_conf(c, prefix)
        commands["nginx"] = [nginx_binary(), "-p", str(prefix), "-c", str(conf)]
        return commands

    def process_environment(self, name: str, env: Dict[str, str]) -> Dict[str, str]:
        # One inbound mail listener per machine (a port has one owner): web-1's.
        if name.startswith("web-") and name != "web-1":
            env = {**env, "KEFU_INBOUND_SMTP_PORT": "0"}
        return env

    def ready_checks(self) -> Dict[str, Callable[[], bool]]:
        c = self.config
        checks: Dict[str, Callable[[], bool]] = {}
        for number, port in enumerate(c.actions_ports, start=1):
            checks[f"actions-{number}"] = _get_ok(f"http://{c.host}:{port}/health")
        for number, port in enumerate(c.rasa_ports, start=1):
            checks[f"rasa-{number}"] = _rasa_ready(f"http://{c.host}:{port}", c.rasa_token)
        for number, port in enumerate(c.web_ports, start=1):
            checks[f"web-{number}"] = _get_ok(f"http://{c.host}:{port}/healthz")
        checks["nginx"] = _get_ok(f"{c.web_url}/healthz")
        return checks

    def process_url(self, name: str) -> str:
        """The address of one process, past nginx (`rasa-2`, `web-1`, ...)."""
        kind, number = name.rsplit("-", 1)
        return f"http://{self.config.host}:{self._ports(kind)[int(number) - 1]}"

    def _ports(self, kind: str) -> List[int]:
        return {
            "rasa": self.config.rasa_ports,
            "actions": self.config.actions_ports,
            "web": self.config.web_ports,
        }[kind]


def _with_port(command: List[str], port: int) -> List[str]:
    changed = list(command)
    changed[changed.index("--port") + 1] = str(port)
    return changed


def _get_ok(url: str) -> Callable[[], bool]:
    return lambda: requests.get(url, timeout=2).ok


def _rasa_ready(url: str, token: str) -> Callable[[], bool]:
    return lambda: bool(
        requests.get(f"{url}/status", params={"token": token}, timeout=2).json().get("model_file")
    )
