"""Starting Kefu's three servers and stopping them together.

Used by `./kefu start` and by the tests, so the tests run the assistant exactly the
way a user does: the rasa-sdk action server, the Rasa server (REST and socket.io,
HTTP API behind a token) and the web app, each a real process.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Dict, List, Optional

import requests

from ops.paths import ROOT, VAR, tool


def free_ports(count: int) -> List[int]:
    """`count` distinct ports that are free right now (held open together while
    they are chosen, so the same port is never handed out twice)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class StackConfig:
    """Ports, files and settings for one running copy of Kefu."""

    model: Path
    database_url: str
    tracker_db: Path
    web_port: int = 8000
    rasa_port: int = 5005
    actions_port: int = 5055
    host: str = "127.0.0.1"
    public_host: str = "localhost"
    rasa_token: str = field(default_factory=lambda: secrets.token_hex(24))
    # Shared by the servers: what Rasa sends the action server, and the key that
    # signs widget sessions (checked by Rasa's channels and the web app).
    action_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    session_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    demo_mode: bool = False
    endpoints: str = "ops/stack_endpoints.yml"
    log_dir: Path = VAR / "logs"
    extra_env: Dict[str, str] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def web_url(self) -> str:
        return f"http://{self.host}:{self.web_port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.host}:{self.actions_port}"

    @property
    def public_web_url(self) -> str:
        return f"http://{self.public_host}:{self.web_port}"

    def website_origins(self) -> List[str]:
        """The pages allowed to use the chat from a browser: the configured ones,
        or the web app's own address (by both names a browser may use for it)."""
        configured = {**os.environ, **self.extra_env}.get("KEFU_ALLOWED_ORIGINS", "")
        origins = [o.strip().rstrip("/") for o in configured.split(",") if o.strip()]
        return origins or [self.public_web_url, f"http://{self.host}:{self.web_port}"]

    def environment(self) -> Dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "DATABASE_URL": self.database_url,
                "KEFU_ACTION_ENDPOINT": f"{self.actions_url}/webhook",
                "KEFU_TRACKER_DB": str(self.tracker_db),
                # Messages for agents kept while the database is down, beside the
                # conversations (kefu_rasa/message_spool.py).
                "KEFU_SPOOL_PATH": str(self.tracker_db.parent / "spool.db"),
                "KEFU_RASA_URL": self.rasa_url,
                "KEFU_RASA_TOKEN": self.rasa_token,
                "KEFU_ACTION_TOKEN": self.action_token,
                "KEFU_SESSION_SECRET": self.session_secret,
                "KEFU_PUBLIC_WEB_URL": self.public_web_url,
                "KEFU_PUBLIC_RASA_URL": f"http://{self.public_host}:{self.rasa_port}",
                "KEFU_DEMO_MODE": "1" if self.demo_mode else "0",
                "PYTHONPATH": str(ROOT),
                "PYTHONUNBUFFERED": "1",
                # Rasa asks for telemetry consent on first run; never block on it.
                "RASA_TELEMETRY_ENABLED": "false",
                "TF_CPP_MIN_LOG_LEVEL": "2",
            }
        )
        env.update(self.extra_env)
        env["KEFU_ALLOWED_ORIGINS"] = ",".join(self.website_origins())
        return env


@dataclass
class _Process:
    name: str
    popen: subprocess.Popen
    log_path: Path
    pump: Optional[threading.Thread] = None


# What of the servers' output reaches the admin's terminal: errors. Everything else
# (start-up chatter, the dependencies' deprecation warnings, progress bars) is in
# the servers' log files.
_WORTH_SHOWING = re.compile(r"\b(ERROR|CRITICAL)\b|\[(ERROR|CRITICAL)\]|^(ERROR|CRITICAL):")


def worth_showing(line: str) -> bool:
    """Whether a line of a server's output belongs on the admin's terminal."""
    return bool(_WORTH_SHOWING.search(line))


class Stack:
    """The running servers; use as a context manager so they always stop. With an
    `echo`, the servers' errors are also written there (all output is in the logs)."""

    def __init__(self, config: StackConfig, echo: Optional[IO[str]] = None) -> None:
        self.config = config
        self.echo = echo
        self.processes: List[_Process] = []

    def commands(self) -> Dict[str, List[str]]:
        c = self.config
        return {
            "actions": [sys.executable, "-m", "ops.action_server", "--port", str(c.actions_port)],
            "rasa": [
                tool("rasa"),
                "run",
                "--model",
                str(c.model),
                "--enable-api",
                f"--auth-token={c.rasa_token}",  # a token may start with "-"
                "--cors",
                *c.website_origins(),
                "--port",
                str(c.rasa_port),
                "--interface",
                c.host,
                "--endpoints",
                c.endpoints,
                "--credentials",
                "credentials.yml",
            ],
            "web": [
                sys.executable,
                "-m",
                "uvicorn",
                "webapp.app:create_app",
                "--factory",
                "--host",
                c.host,
                "--port",
                str(c.web_port),
                "--no-access-log",
            ],
        }

    def start(self, timeout: float = 180.0) -> Stack:
        self.config.log_dir.mkdir(parents=True, exist_ok=True)
        env = self.config.environment()
        for name, command in self.commands().items():
            (self.config.log_dir / f"{name}.log").write_text("")  # a restart appends
            self._spawn(name, command, self.process_environment(name, env))
        self.wait_ready(timeout)
        return self

    def _spawn(self, name: str, command: List[str], env: Dict[str, str]) -> None:
        log_path = self.config.log_dir / f"{name}.log"
        popen = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,  # its own process group, so we can stop it whole
            preexec_fn=_die_with_parent,
        )
        process = _Process(name, popen, log_path)
        process.pump = threading.Thread(target=self._pump, args=(process,), daemon=True)
        process.pump.start()
        self.processes.append(process)

    def _pump(self, process: _Process) -> None:
        assert process.popen.stdout is not None
        with open(process.log_path, "a", encoding="utf-8") as log:
            for line in process.popen.stdout:
                log.write(line)
                log.flush()
                if self.echo is not None and worth_showing(line):
                    self.echo.write(f"[{process.name}] {line}")
                    self.echo.flush()

    def kill(self, name: str) -> None:
        """Kills one server at once (SIGKILL, no clean-up), as a crash would."""
        for process in [p for p in self.processes if p.name == name]:
            _signal_group(process.popen, signal.SIGKILL)
            process.popen.wait(10)
            if process.pump is not None:
                process.pump.join(timeout=2)
            self.processes.remove(process)

    def restart(self, name: str, timeout: float = 180.0) -> None:
        """Starts one server again (after `kill`, say) and waits until it is ready."""
        self.kill(name)
        env = self.process_environment(name, self.config.environment())
        self._spawn(name, self.commands()[name], env)
        self.wait_ready(timeout, only=(name,))

    def process_environment(self, name: str, env: Dict[str, str]) -> Dict[str, str]:
        """The environment of one server (the same for all of them here)."""
        return env

    def ready_checks(self) -> Dict[str, Callable[[], bool]]:
        """For each server, what says it is ready to serve."""
        c = self.config
        return {
            "actions": lambda: requests.get(f"{c.actions_url}/health", timeout=2).ok,
            "rasa": lambda: bool(
                requests.get(f"{c.rasa_url}/status", params={"token": c.rasa_token}, timeout=2)
                .json()
                .get("model_file")
            ),
            "web": lambda: requests.get(f"{c.web_url}/healthz", timeout=2).ok,
        }

    def wait_ready(self, timeout: float, only: Optional[tuple] = None) -> None:
        checks = self.ready_checks()
        deadline = time.monotonic() + timeout
        pending = {name: check for name, check in checks.items() if only is None or name in only}
        while pending:
            for process in self.processes:
                if process.popen.poll() is not None:
                    time.sleep(0.5)  # let the log pump catch up
                    raise RuntimeError(
                        f"the {process.name} server stopped while starting; "
                        f"see {process.log_path}:\n{_tail(process.log_path)}"
                    )
            for name, check in list(pending.items()):
                try:
                    if check():
                        del pending[name]
                except (requests.RequestException, ValueError):
                    pass
            if not pending:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"not ready after {timeout:.0f} s: {', '.join(pending)}")
            time.sleep(0.5)

    def stop(self, grace: float = 10.0) -> None:
        for process in self.processes:
            _signal_group(process.popen, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in self.processes:
            try:
                process.popen.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process.popen, signal.SIGKILL)
                process.popen.wait(5)
        for process in self.processes:
            if process.pump is not None:
                process.pump.join(timeout=2)
        self.processes.clear()

    def crashed(self) -> Optional[str]:
        """The name of a server that has exited, if any."""
        for process in self.processes:
            if process.popen.poll() is not None:
                return process.name
        return None

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _signal_group(popen: subprocess.Popen, sig: int) -> None:
    if popen.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(popen.pid, sig)


def _tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _die_with_parent() -> None:
    """In the child, before it runs: ask Linux to send SIGTERM when the process that
    started it dies, so a killed `./kefu start` or test run leaves no servers behind."""
    try:
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    except OSError:
        pass  # not Linux: Ctrl-C still stops everything through stop()
