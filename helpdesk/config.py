"""Every environment setting Kefu reads, in one place.

Actions, the web app and the command line all build their settings here, so a
deployment is configured by environment variables alone and tests can hand a
`Settings` object of their own to whatever they construct.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping, Optional, Tuple
from urllib.parse import urlsplit

from helpdesk.local_secrets import development_secret

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# A fixed secret is convenient on a developer's machine and dangerous anywhere else:
# whoever knows it can sign in as any customer. `Settings.check()` refuses it outside
# development.
DEVELOPMENT_TOKEN_SECRET = "kefu-development-secret-change-me"


class SettingsError(ValueError):
    """A setting is missing or unsafe for the environment it is used in."""


@dataclass(frozen=True)
class Settings:
    """Typed view of the environment; build it with `Settings.from_env()`."""

    environment: str = "development"
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'kefu.db'}"
    customer_token_secret: str = DEVELOPMENT_TOKEN_SECRET
    knowledge_base_dir: Path = PROJECT_ROOT / "knowledge_base"
    demo_mode: bool = False
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = ""
    public_web_url: str = "http://localhost:8000"
    public_rasa_url: str = "http://localhost:5005"
    max_verification_attempts: int = 3
    # Across conversations: failed verifications allowed per email address and per
    # client address before each further failure locks them (1, 2, 4... minutes).
    verification_failures_per_email: int = 3
    verification_failures_per_client: int = 10
    # How long an email + order verification counts in its conversation.
    verification_hours: float = 12.0
    # The token the Rasa server sends the action server, which refuses calls without
    # it, and the key that signs the widget's chat sessions (both made per checkout
    # in development, see helpdesk/local_secrets.py; required from the environment
    # anywhere else).
    action_token: str = field(default_factory=lambda: development_secret("action_token"))
    session_secret: str = field(default_factory=lambda: development_secret("session_secret"))
    # Web pages that may talk to the Rasa server from a browser (CORS, socket.io);
    # empty: the web app's own public address.
    allowed_origins: Tuple[str, ...] = ()
    # Longer customer messages get a polite "please shorten it" and no parsing.
    max_message_chars: int = 5000
    # How long any database call may wait for a connection or a lock.
    db_timeout_seconds: float = 5.0
    # Where the action server listens (loopback: only this machine's Rasa server).
    action_server_host: str = "127.0.0.1"
    # Where a Rasa server keeps customer messages for agents while the database is
    # down (kefu_rasa/message_spool.py).
    spool_path: Path = PROJECT_ROOT / "var" / "spool.db"
    # How long an agent stays signed in to the console.
    agent_session_hours: float = 10.0
    # A chat nobody claims within this time becomes a ticket.
    handoff_claim_timeout_minutes: float = 15.0
    # A waiting customer whose chat window stays closed this long gets a ticket.
    handoff_left_grace_seconds: float = 120.0
    # How often the web app looks for such chats (0 turns the check off); the same
    # pass assigns waiting chats to online agents (helpdesk/handoffs/assignment.py).
    handoff_sweep_seconds: float = 15.0
    # How many chats an agent takes at once unless the admin set their own capacity.
    agent_capacity: int = 3
    # An online agent whose console saw no activity this long shows as away.
    agent_away_minutes: float = 5.0
    # An automatically assigned chat whose agent wrote nothing this long goes back
    # to the queue (and the agent is set to away).
    silent_agent_minutes: float = 3.0
    # A waiting customer whose quoted wait has passed hears at most this often that
    # it is taking longer (helpdesk/handoffs/queue_position.py).
    queue_update_minutes: float = 5.0
    # A message typed while waiting for a person is acknowledged at most this often.
    waiting_ack_minutes: float = 3.0
    # Email (helpdesk/email/): off while no SMTP host is set, and then the bot
    # promises nothing by email. Outbound goes through this SMTP server; security is
    # "starttls", "tls" (implicit, port 465) or "none" (a relay on this machine).
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_timeout_seconds: float = 10.0
    # Who the mail is from (default: the company's support address in company.yml)
    # and the domain of the per-ticket reply addresses (reply+<secret>@domain;
    # default: the domain of the from address). Mail for that domain must reach
    # Kefu's inbound listener (an MX record, or the mail server forwarding it).
    email_from_address: str = ""
    email_reply_domain: str = ""
    # The SMTP listener Kefu runs for inbound mail (port 0: none).
    inbound_smtp_host: str = "127.0.0.1"
    inbound_smtp_port: int = 0
    # Larger inbound messages are refused at the door (552); larger attachments are
    # kept out (the agent sees that one was left out, and why).
    email_max_message_bytes: int = 25 * 1024 * 1024
    email_max_attachment_bytes: int = 10 * 1024 * 1024
    # Minutes between the attempts to hand a message to the SMTP server; after the
    # last one it is marked failed (about 4 hours of trying by default).
    email_retry_minutes: Tuple[float, ...] = (1, 2, 5, 10, 30, 60, 120)
    # Scale-out (several processes of each server; docs/scaling.md). Empty: the
    # embedded default, where one process of each server needs neither. Redis
    # carries socket.io messages between Rasa processes and the lock that keeps one
    # conversation's messages in order across them; RabbitMQ carries what happens
    # in conversations to every web process (the consoles' live feed).
    redis_url: str = ""
    amqp_url: str = ""
    # How the widget may reach the Rasa server: WebSocket, falling back to HTTP
    # long-polling. Behind a load balancer over several Rasa processes, "websocket"
    # only: a polling session is a string of requests that must all reach the
    # process that opened it, and a WebSocket is one connection (docs/scaling.md).
    socketio_transports: Tuple[str, ...] = ("websocket", "polling")

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> Settings:
        """Reads the settings from `env` (default: the process environment)."""
        env = os.environ if env is None else env
        defaults = cls(action_token="", session_secret="")
        kb_dir = env.get("KEFU_KNOWLEDGE_BASE")
        environment = env.get("KEFU_ENV", defaults.environment)

        def secret(variable: str, name: str) -> str:
            value = env.get(variable, "")
            if not value and environment == "development":
                return development_secret(name)
            return value

        return cls(
            environment=environment,
            database_url=env.get("DATABASE_URL") or defaults.database_url,
            customer_token_secret=env.get("CUSTOMER_TOKEN_SECRET")
            or defaults.customer_token_secret,
            knowledge_base_dir=Path(kb_dir) if kb_dir else defaults.knowledge_base_dir,
            demo_mode=_flag(env.get("KEFU_DEMO_MODE")),
            rasa_url=env.get("KEFU_RASA_URL", defaults.rasa_url).rstrip("/"),
            rasa_token=env.get("KEFU_RASA_TOKEN", defaults.rasa_token),
            public_web_url=env.get("KEFU_PUBLIC_WEB_URL", defaults.public_web_url).rstrip("/"),
            public_rasa_url=env.get("KEFU_PUBLIC_RASA_URL", defaults.public_rasa_url).rstrip("/"),
            max_verification_attempts=int(
                env.get("KEFU_MAX_VERIFICATION_ATTEMPTS", defaults.max_verification_attempts)
            ),
            verification_failures_per_email=int(
                env.get(
                    "KEFU_VERIFICATION_FAILURES_PER_EMAIL",
                    defaults.verification_failures_per_email,
                )
            ),
            verification_failures_per_client=int(
                env.get(
                    "KEFU_VERIFICATION_FAILURES_PER_CLIENT",
                    defaults.verification_failures_per_client,
                )
            ),
            verification_hours=float(
                env.get("KEFU_VERIFICATION_HOURS", defaults.verification_hours)
            ),
            action_token=secret("KEFU_ACTION_TOKEN", "action_token"),
            session_secret=secret("KEFU_SESSION_SECRET", "session_secret"),
            allowed_origins=tuple(
                origin.strip().rstrip("/")
                for origin in env.get("KEFU_ALLOWED_ORIGINS", "").split(",")
                if origin.strip()
            ),
            max_message_chars=int(env.get("KEFU_MAX_MESSAGE_CHARS", defaults.max_message_chars)),
            db_timeout_seconds=float(
                env.get("KEFU_DB_TIMEOUT_SECONDS", defaults.db_timeout_seconds)
            ),
            action_server_host=env.get("KEFU_ACTION_SERVER_HOST", defaults.action_server_host),
            spool_path=Path(env.get("KEFU_SPOOL_PATH") or defaults.spool_path),
            agent_session_hours=float(
                env.get("KEFU_AGENT_SESSION_HOURS", defaults.agent_session_hours)
            ),
            handoff_claim_timeout_minutes=float(
                env.get("KEFU_CLAIM_TIMEOUT_MINUTES", defaults.handoff_claim_timeout_minutes)
            ),
            handoff_left_grace_seconds=float(
                env.get("KEFU_LEFT_GRACE_SECONDS", defaults.handoff_left_grace_seconds)
            ),
            handoff_sweep_seconds=float(
                env.get("KEFU_SWEEP_SECONDS", defaults.handoff_sweep_seconds)
            ),
            agent_capacity=int(env.get("KEFU_AGENT_CAPACITY", defaults.agent_capacity)),
            agent_away_minutes=float(
                env.get("KEFU_AGENT_AWAY_MINUTES", defaults.agent_away_minutes)
            ),
            silent_agent_minutes=float(
                env.get("KEFU_SILENT_AGENT_MINUTES", defaults.silent_agent_minutes)
            ),
            queue_update_minutes=float(
                env.get("KEFU_QUEUE_UPDATE_MINUTES", defaults.queue_update_minutes)
            ),
            waiting_ack_minutes=float(
                env.get("KEFU_WAITING_ACK_MINUTES", defaults.waiting_ack_minutes)
            ),
            smtp_host=env.get("KEFU_SMTP_HOST", defaults.smtp_host).strip(),
            smtp_port=int(env.get("KEFU_SMTP_PORT", defaults.smtp_port)),
            smtp_security=env.get("KEFU_SMTP_SECURITY", defaults.smtp_security).strip().lower(),
            smtp_username=env.get("KEFU_SMTP_USERNAME", defaults.smtp_username),
            smtp_password=env.get("KEFU_SMTP_PASSWORD", defaults.smtp_password),
            smtp_timeout_seconds=float(
                env.get("KEFU_SMTP_TIMEOUT_SECONDS", defaults.smtp_timeout_seconds)
            ),
            email_from_address=env.get("KEFU_EMAIL_FROM", defaults.email_from_address).strip(),
            email_reply_domain=env.get(
                "KEFU_EMAIL_REPLY_DOMAIN", defaults.email_reply_domain
            ).strip(),
            inbound_smtp_host=env.get("KEFU_INBOUND_SMTP_HOST", defaults.inbound_smtp_host),
            inbound_smtp_port=int(env.get("KEFU_INBOUND_SMTP_PORT", defaults.inbound_smtp_port)),
            email_max_message_bytes=int(
                env.get("KEFU_EMAIL_MAX_MESSAGE_BYTES", defaults.email_max_message_bytes)
            ),
            email_max_attachment_bytes=int(
                env.get("KEFU_EMAIL_MAX_ATTACHMENT_BYTES", defaults.email_max_attachment_bytes)
            ),
            email_retry_minutes=tuple(
                float(part)
                for part in env.get("KEFU_EMAIL_RETRY_MINUTES", "").split(",")
                if part.strip()
            )
            or defaults.email_retry_minutes,
            redis_url=env.get("KEFU_REDIS_URL", defaults.redis_url).strip(),
            amqp_url=env.get("KEFU_AMQP_URL", defaults.amqp_url).strip(),
            socketio_transports=tuple(
                part.strip()
                for part in env.get("KEFU_SOCKETIO_TRANSPORTS", "").split(",")
                if part.strip() in ("websocket", "polling")
            )
            or defaults.socketio_transports,
        )

    @property
    def is_development(self) -> bool:
        return self.environment == "development"

    @property
    def email_enabled(self) -> bool:
        """Whether Kefu sends email at all (an SMTP server is configured)."""
        return bool(self.smtp_host)

    @property
    def website_origins(self) -> Tuple[str, ...]:
        """The origins allowed to call the Rasa server from a browser."""
        if self.allowed_origins:
            return self.allowed_origins
        parts = urlsplit(self.public_web_url)
        return (f"{parts.scheme}://{parts.netloc}",)

    def check(self) -> Settings:
        """Raises `SettingsError` for settings that are unsafe outside development."""
        if not self.is_development:
            if self.customer_token_secret == DEVELOPMENT_TOKEN_SECRET:
                raise SettingsError(
                    "CUSTOMER_TOKEN_SECRET must be set to a secret of your own "
                    f"when KEFU_ENV={self.environment}"
                )
            if self.demo_mode:
                raise SettingsError(
                    "KEFU_DEMO_MODE lets anyone sign in as any customer; "
                    "it is only allowed when KEFU_ENV=development"
                )
        if len(self.customer_token_secret.encode()) < 32:
            # HS256 keys shorter than the hash (RFC 7518, section 3.2) are guessable.
            raise SettingsError("CUSTOMER_TOKEN_SECRET must be at least 32 bytes long")
        for variable, value in (
            ("KEFU_ACTION_TOKEN", self.action_token),
            ("KEFU_SESSION_SECRET", self.session_secret),
        ):
            if len(value.encode()) < 32:
                raise SettingsError(
                    f"{variable} must be set to a random secret of at least 32 bytes"
                    + ("" if self.is_development else f" when KEFU_ENV={self.environment}")
                )
        if "*" in self.website_origins:
            raise SettingsError(
                "KEFU_ALLOWED_ORIGINS lists the web pages that may use the chat; '*' would "
                "let any page on the internet talk to it"
            )
        if self.max_message_chars < 1 or self.db_timeout_seconds <= 0:
            raise SettingsError(
                "KEFU_MAX_MESSAGE_CHARS and KEFU_DB_TIMEOUT_SECONDS must be positive"
            )
        if self.smtp_security not in {"starttls", "tls", "none"}:
            raise SettingsError("KEFU_SMTP_SECURITY must be starttls, tls or none")
        in_the_clear = self.email_enabled and self.smtp_security == "none"
        if (
            in_the_clear
            and not self.is_development
            and self.smtp_host not in {"127.0.0.1", "localhost", "::1"}
        ):
            raise SettingsError(
                "KEFU_SMTP_SECURITY=none sends mail and passwords in the clear; "
                "it is only allowed for a relay on this machine outside development"
            )
        return self

    def with_changes(self, **changes: object) -> Settings:
        """A copy with some fields replaced (used by tests and tools)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _flag(value: Optional[str]) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}
