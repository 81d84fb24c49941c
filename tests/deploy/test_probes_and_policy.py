"""deploy/'s health checks make the requests the tested setup waits on
(ScaledStack.ready_checks()), and its RabbitMQ policy is the one ops/scaled_start.py
sets: both derived by running Kefu's own code against a recorder (an HTTP server
that answers as a ready server does; a `rabbitmqctl` that writes down its
arguments)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import pytest

from ops.scaled import CONVERSATION_LOG_QUEUE, ScaledConfig, ScaledStack
from ops.scaled_start import limit_conversation_log
from tests.deploy import descriptions as d

TOKEN = "probe-token-0123456789"


class Recorder(ThreadingHTTPServer):
    """Answers every GET as a ready Kefu server does and keeps the paths asked for."""

    def __init__(self) -> None:
        self.paths: List[str] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                recorder.paths.append(self.path)
                body = json.dumps({"model_file": "models/kefu.tar.gz", "status": "ok"}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    def take(self) -> List[str]:
        taken, self.paths = self.paths, []
        return taken


@pytest.fixture(scope="module")
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def tested_requests(recorder: Recorder) -> Dict[str, List[str]]:
    """What ScaledStack.ready_checks() asks each kind of process for."""
    port = recorder.server_address[1]
    config = ScaledConfig(
        model=Path("/m"),
        database_url="postgresql://x@127.0.0.1/k",
        tracker_db=Path("/t/db"),
        rasa_token=TOKEN,
        scale=1,
        rasa_ports=[port],
        actions_ports=[port],
        web_ports=[port],
        web_port=port,
    )
    asked: Dict[str, List[str]] = {}
    recorder.take()
    for name, check in ScaledStack(config).ready_checks().items():
        assert check(), name
        asked[name.split("-")[0]] = recorder.take()
    assert set(asked) == {"rasa", "actions", "web", "nginx"}
    return asked


def deployed_check(recorder: Recorder, role: str) -> Tuple[int, List[str]]:
    """What `kefu-server check <role>` (deploy/healthcheck.py) asks, and its verdict."""
    base = f"http://127.0.0.1:{recorder.server_address[1]}"
    env = {**os.environ, "KEFU_RASA_TOKEN": TOKEN}
    done = subprocess.run(
        [sys.executable, str(d.HEALTHCHECK), role, "--base", base], env=env, timeout=30
    )
    return done.returncode, recorder.take()


@pytest.mark.parametrize(
    "role, tested", [("rasa", "rasa"), ("actions", "actions"), ("web", "web"), ("mail", "web")]
)
def test_the_image_health_check_asks_what_the_tested_ready_check_asks(
    recorder, tested_requests, role, tested
):
    assert deployed_check(recorder, role) == (0, tested_requests[tested])


def test_the_image_health_check_fails_when_nothing_answers():
    done = subprocess.run(
        [sys.executable, str(d.HEALTHCHECK), "web", "--base", "http://127.0.0.1:9"], timeout=30
    )
    assert done.returncode == 1


@pytest.mark.parametrize("role", ["rasa", "actions", "web", "mail"])
def test_compose_health_checks_run_the_image_check_of_their_role(role):
    check = d.compose()["services"][role]["healthcheck"]["test"]
    assert check == ["CMD", "/app/deploy/kefu-server", "check", role]


@pytest.mark.parametrize(
    "role, tested", [("actions", "actions"), ("web", "web"), ("mail", "web"), ("nginx", "nginx")]
)
def test_kubernetes_readiness_probes_get_the_tested_ready_paths(tested_requests, role, tested):
    probe = d.container(role)["readinessProbe"]["httpGet"]
    assert [probe["path"]] == tested_requests[tested]
    ports = {p["name"]: p["containerPort"] for p in d.container(role)["ports"]}
    assert ports[probe["port"]] == d.ROLE_PORTS[role if role != "nginx" else "web"]


def test_the_rasa_readiness_probe_runs_the_check_that_asks_status_with_the_token(tested_requests):
    assert tested_requests["rasa"] == [f"/status?token={TOKEN}"]
    probe = d.container("rasa")["readinessProbe"]
    assert probe["exec"]["command"] == ["/app/deploy/kefu-server", "check", "rasa"]
    for kind in ("livenessProbe", "startupProbe"):
        assert d.container("rasa")[kind]["httpGet"]["path"] == "/"


def test_rabbitmq_definitions_hold_the_policy_scaled_start_sets(tmp_path, monkeypatch):
    log = tmp_path / "rabbitmqctl.args"
    fake = tmp_path / "rabbitmqctl"
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {log}\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    limit_conversation_log()
    args = log.read_text().splitlines()
    assert args[:1] == ["set_policy"]
    name, pattern, definition = args[1], args[2], json.loads(args[3])
    applies_to = args[args.index("--apply-to") + 1]
    (policy,) = json.loads((d.DEPLOY / "rabbitmq" / "definitions.json").read_text())["policies"]
    assert (policy["name"], policy["pattern"], policy["apply-to"], policy["definition"]) == (
        name,
        pattern,
        applies_to,
        definition,
    )
    assert definition["overflow"] == "drop-head" and definition["max-length"] >= 1
    assert policy["vhost"] == "/"
    assert re.fullmatch(policy["pattern"], CONVERSATION_LOG_QUEUE)


def test_kubernetes_imports_the_same_definitions_file():
    config_map = d.kubernetes_object("ConfigMap", "kefu-rabbitmq-definitions")["data"][
        "definitions.json"
    ]
    assert json.loads(config_map) == json.loads(
        (d.DEPLOY / "rabbitmq" / "definitions.json").read_text()
    )
    job = d.kubernetes_object("Job", "rabbitmq-policy")["spec"]["template"]["spec"]
    assert "/api/definitions" in " ".join(job["containers"][0]["command"])
    compose_job = d.compose()["services"]["rabbitmq-definitions"]
    assert "./rabbitmq/definitions.json:/definitions.json:ro" in compose_job["volumes"]
