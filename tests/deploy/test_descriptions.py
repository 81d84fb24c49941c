"""deploy/ (docker compose, Kubernetes, nginx, the image's commands) agrees with the
scaled setup the system tests run (ops/scaled.py, ops/servers.py,
ops/nginx.conf.template, ops/scaled_start.py). Containers cannot run here, so the
agreement is checked on the files, against values derived from the code."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
from pathlib import Path
from typing import Dict, List, Tuple
from unittest.mock import patch
from urllib.parse import urlparse

import pytest

from helpdesk.config import Settings
from ops.paths import ROOT
from ops.scaled import (
    ScaledConfig,
    ScaledStack,
    scaled_environment,
)
from ops.servers import Stack, StackConfig
from tests.deploy import descriptions as d

MARK = "SECRET-MARK"
# The Kefu servers, in compose services and Kubernetes Deployments alike.
ROLES = ("rasa", "actions", "web", "mail")
# Process plumbing of ops/servers.py that the image sets once (deploy/Dockerfile ENV).
IMAGE_ENVIRONMENT = (
    "PYTHONPATH",
    "PYTHONUNBUFFERED",
    "RASA_TELEMETRY_ENABLED",
    "TF_CPP_MIN_LOG_LEVEL",
)
# Secrets Settings reads that the tested (development) stack leaves to its defaults.
SETTINGS_SECRETS = ("CUSTOMER_TOKEN_SECRET", "KEFU_SMTP_PASSWORD")


def scaled_config(variant: int = 0, **changes) -> ScaledConfig:
    """The tested configuration, with telltale secrets (and other addresses when
    `variant` differs, to tell constants from what depends on the deployment)."""
    return ScaledConfig(
        model=Path("/models/kefu.tar.gz"),
        database_url=f"postgresql://kefu{variant}:{MARK}-db{variant}@db{variant}.test:5432/kefu{variant}",
        tracker_db=Path(f"/run{variant}/tracker.db"),
        redis_url=f"redis://:{MARK}-redis{variant}@redis{variant}.test:6379/0",
        amqp_url=f"amqp://kefu{variant}:{MARK}-amqp{variant}@mq{variant}.test:5672/",
        rasa_token=f"{MARK}-rasa-{variant}",
        action_token=f"{MARK}-action-{variant}",
        session_secret=f"{MARK}-session-{variant}",
        host=f"127.0.0.{variant + 1}",
        public_host=f"public{variant}.test",
        scale=1,
        rasa_ports=[1001],
        actions_ports=[1002],
        web_ports=[1003],
        **changes,
    )


def scaled_process_environment(variant: int = 0) -> Dict[str, str]:
    """What every tested server process gets, without this machine's environment."""
    with patch.dict(os.environ, {}, clear=True):
        return scaled_config(variant).environment()


TESTED = scaled_process_environment(0)
CONSTANTS = {k: v for k, v in TESTED.items() if scaled_process_environment(1).get(k) == v}
SECRETS = {k for k, v in TESTED.items() if MARK in v} | set(SETTINGS_SECRETS)
# KEFU_TRACKER_DB names the embedded default's SQLite tracker store
# (ops/stack_endpoints.yml); the scaled Rasa servers keep theirs in PostgreSQL.
NOT_FOR_SCALED = {"KEFU_TRACKER_DB"}
SERVER_VARIABLES = set(TESTED) - set(IMAGE_ENVIRONMENT) - NOT_FOR_SCALED
DEFAULT_PORTS = {
    f.name: f.default for f in dataclasses.fields(StackConfig) if f.name.endswith("_port")
}
ROLE_PORTS = d.ROLE_PORTS


def example_variables() -> Dict[str, str]:
    """kefu.env.example with every empty value (the secrets) filled in."""
    return {
        name: value or f"filled-{name.lower()}-{'x' * 32}"
        for name, value in d.env_file(d.ENV_EXAMPLE).items()
    }


def compose_env(service: str) -> Dict[str, str]:
    return d.compose_environment(service, example_variables())


def kubernetes_env(deployment: str) -> Dict[str, str]:
    return d.container_environment(deployment)


DESCRIPTIONS = [("compose", compose_env), ("kubernetes", kubernetes_env)]


# --- the environment ------------------------------------------------------------------


def test_the_variables_left_to_the_image_or_to_the_embedded_default_are_justified():
    assert set(IMAGE_ENVIRONMENT) | NOT_FOR_SCALED <= set(TESTED)
    assert "${KEFU_TRACKER_DB}" not in (ROOT / "ops" / "scale_endpoints.yml").read_text()
    dockerfile = d.DOCKERFILE.read_text()
    workdir = re.findall(r"^WORKDIR\s+(\S+)", dockerfile, re.M)[-1]
    for name in IMAGE_ENVIRONMENT:
        found = re.search(rf"\b{name}=(\S+)", dockerfile)
        assert found, f"the image does not set {name}"
        expected = workdir if name == "PYTHONPATH" else TESTED[name]
        assert found.group(1) == expected, name


@pytest.mark.parametrize("description, environment", DESCRIPTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_every_server_gets_every_variable_the_tested_servers_get(description, environment, role):
    missing = SERVER_VARIABLES - set(environment(role))
    assert not missing, f"{description} {role} lacks {sorted(missing)}"


@pytest.mark.parametrize("description, environment", DESCRIPTIONS)
def test_the_settings_the_tested_setup_fixes_have_the_same_values(description, environment):
    fixed = {k: v for k, v in CONSTANTS.items() if k in SERVER_VARIABLES}
    assert {"KEFU_SOCKETIO_TRANSPORTS", "KEFU_BROKER_EXCHANGE", "KEFU_BROKER_QUEUE"} <= set(fixed)
    assert fixed["KEFU_SOCKETIO_TRANSPORTS"] == "websocket"
    for role in ROLES:
        given = environment(role)
        assert {k: given.get(k) for k in fixed} == fixed, f"{description} {role}"


@pytest.mark.parametrize("description, environment", DESCRIPTIONS)
def test_the_store_and_broker_parts_agree_with_their_urls_as_scaled_environment_splits_them(
    description, environment
):
    for role in ROLES:
        given = environment(role)
        derived = scaled_environment(
            given["DATABASE_URL"], given["KEFU_REDIS_URL"], given["KEFU_AMQP_URL"]
        )
        assert {k: given.get(k) for k in derived} == derived, f"{description} {role}"


@pytest.mark.parametrize("description, environment", DESCRIPTIONS)
def test_the_servers_reach_each_other_through_nginx_on_the_tested_ports_and_paths(
    description, environment
):
    config = scaled_config()
    action_path = TESTED["KEFU_ACTION_ENDPOINT"][len(config.actions_url) :]
    for role in ROLES:
        given = environment(role)
        action = urlparse(given["KEFU_ACTION_ENDPOINT"])
        rasa = urlparse(given["KEFU_RASA_URL"])
        assert (action.hostname, action.port, action.path) == (
            "nginx",
            config.actions_port,
            action_path,
        )
        assert (rasa.hostname, rasa.port) == ("nginx", config.rasa_port)
        assert (
            urlparse(TESTED["KEFU_RASA_URL"]).port == config.rasa_port
        )  # nginx's, in the tests too


@pytest.mark.parametrize("description, environment", DESCRIPTIONS)
def test_the_production_environment_passes_the_settings_check(description, environment):
    for role in ROLES:
        settings = Settings.from_env(environment(role)).check()
        assert settings.environment == "production" and not settings.demo_mode
        assert settings.socketio_transports == ("websocket",)


def test_only_the_mail_service_runs_the_inbound_listener_as_only_web_1_does():
    config = scaled_config()
    stack = ScaledStack(config)
    tested = {
        name: stack.process_environment(name, {"KEFU_INBOUND_SMTP_PORT": "2525"})
        for name in ("web-1", "web-2")
    }
    assert (
        tested["web-2"]["KEFU_INBOUND_SMTP_PORT"] == "0"
        and tested["web-1"]["KEFU_INBOUND_SMTP_PORT"] != "0"
    )
    for environment in (compose_env, kubernetes_env):
        assert all(
            environment(role)["KEFU_INBOUND_SMTP_PORT"] == "0"
            for role in ("rasa", "actions", "web")
        )
        assert environment("mail")["KEFU_INBOUND_SMTP_PORT"] != "0"
    assert d.compose()["services"]["mail"]["deploy"]["replicas"] == 1
    mail = d.kubernetes_object("Deployment", "mail")["spec"]
    assert mail["replicas"] == 1 and mail["strategy"]["type"] == "Recreate"


# --- secrets --------------------------------------------------------------------------


def test_the_secret_variables_are_those_that_carry_the_tested_secrets():
    assert {
        "KEFU_RASA_TOKEN",
        "KEFU_ACTION_TOKEN",
        "KEFU_SESSION_SECRET",
        "DATABASE_URL",
        "KEFU_TRACKER_DB_PASSWORD",
        "KEFU_BROKER_PASSWORD",
        "KEFU_LOCK_REDIS_URL",
    } <= SECRETS


def test_compose_references_every_secret_and_never_writes_one():
    for role in ROLES:
        written = d.compose()["services"][role]["environment"]
        for name in SECRETS:
            assert "${" in written[name], f"{name} is written into compose's {role}"
    for service in d.compose()["services"].values():
        for name, value in (service.get("environment") or {}).items():
            if re.search(r"(PASSWORD|TOKEN|SECRET|_PASS)$", name):
                assert str(value).startswith("${"), f"{name} is literal in compose"


def test_the_env_example_declares_every_variable_compose_reads_and_holds_no_secret():
    example = d.env_file(d.ENV_EXAMPLE)
    missing = set(d.compose_references(d.COMPOSE_FILE.read_text())) - set(example)
    assert not missing, f"kefu.env.example lacks {sorted(missing)}"
    text = d.ENV_EXAMPLE.read_text()
    for name, value in example.items():
        assert re.search(rf"^# .*\n{name}=", text, re.M), f"{name} has no comment"
        if re.search(r"(PASSWORD|TOKEN|SECRET)$", name):
            assert value == "", f"kefu.env.example gives {name} a value"


def test_the_kubernetes_secrets_live_in_the_secret_template_with_no_real_value():
    config = d.kubernetes_object("ConfigMap", "kefu-config")["data"]
    template = d.secret_template()["stringData"]
    assert not SECRETS & set(config), "a secret in the ConfigMap"
    assert set(template) >= SECRETS
    assert all(value == "" or "CHANGE-ME" in value for value in template.values())
    assert (
        not (d.KUBERNETES / "secret.yaml").exists()
        or "secret.yaml" in (d.DEPLOY / ".gitignore").read_text()
    )
    ignored = subprocess.run(
        ["git", "check-ignore", "deploy/kefu.env", "deploy/kubernetes/secret.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert ignored.stdout.split() == ["deploy/kefu.env", "deploy/kubernetes/secret.yaml"], (
        ignored.stderr
    )


# --- the servers' commands ------------------------------------------------------------


def flags(words: List[str]) -> List[Tuple[str, Tuple[str, ...]]]:
    """A command's options in order, each with the values that follow it."""
    parsed: List[Tuple[str, List[str]]] = []
    for word in words:
        if word.startswith("--"):
            name, _, value = word.partition("=")
            parsed.append((name, [value] if value else []))
        elif parsed:
            parsed[-1][1].append(word)
    return [(name, tuple(values)) for name, values in parsed]


def stack_commands() -> Dict[str, List[str]]:
    with patch.dict(os.environ, {}, clear=True):
        return Stack(scaled_config()).commands()


def test_the_rasa_command_has_the_tested_flags_endpoints_and_credentials():
    tested = dict(flags(stack_commands()["rasa"]))
    words = d.server_command("rasa")
    assert words[-1] == "$@"  # (what `docker run ... rasa --debug` adds)
    deployed = dict(flags(words[:-1]))
    assert list(deployed) == list(tested)
    assert deployed["--endpoints"] == tested["--endpoints"] == ("ops/scale_endpoints.yml",)
    assert deployed["--credentials"] == tested["--credentials"]
    assert deployed["--enable-api"] == ()
    # The token and the allowed origins come from the variables the tested ones do.
    assert tested["--auth-token"] == (TESTED["KEFU_RASA_TOKEN"],)
    assert re.fullmatch(r"\$\{KEFU_RASA_TOKEN(:\?[^}]*)?\}", deployed["--auth-token"][0])
    assert tested["--cors"] == tuple(TESTED["KEFU_ALLOWED_ORIGINS"].split(","))
    assert "KEFU_ALLOWED_ORIGINS" in d.SERVER_SCRIPT.read_text().split("rasa)")[1].split(";;")[0]
    assert deployed["--port"] == (str(DEFAULT_PORTS["rasa_port"]),)
    assert deployed["--interface"] == ("0.0.0.0",)
    assert d.server_command("rasa")[:2] == [Path(stack_commands()["rasa"][0]).name, "run"]


@pytest.mark.parametrize(
    "role, tested_name", [("actions", "actions"), ("web", "web"), ("mail", "web")]
)
def test_the_action_server_and_web_commands_are_the_tested_ones_on_the_default_ports(
    role, tested_name
):
    tested = stack_commands()[tested_name][1:]  # after the interpreter
    deployed = d.server_command(role)
    assert deployed[0] == "python" and deployed[-1] == "$@"
    deployed = deployed[1:-1]
    port_name = {"actions": "actions_port", "web": "web_port"}[tested_name]

    def normal(words: List[str]) -> List[str]:
        out = list(words)
        for option in ("--port", "--host"):
            if option in out:
                out[out.index(option) + 1] = "<" + option + ">"
        return out

    assert normal(deployed) == normal(tested)
    assert deployed[deployed.index("--port") + 1] == str(DEFAULT_PORTS[port_name])
    if "--host" in deployed:
        assert deployed[deployed.index("--host") + 1] == "0.0.0.0"


def test_compose_and_kubernetes_run_each_role_through_the_image_entrypoint():
    dockerfile = d.DOCKERFILE.read_text()
    assert re.search(r'^ENTRYPOINT \["/app/deploy/kefu-server"\]', dockerfile, re.M)
    services = d.compose()["services"]
    for role in ROLES:
        assert services[role]["command"] == [role]
        assert d.container(role)["args"] == [role]
        assert services[role]["image"] == services["rasa"]["image"]


@pytest.mark.parametrize("role", ["rasa", "actions", "web"])
def test_the_scalable_roles_have_replicas_in_compose_and_kubernetes(role):
    assert d.compose()["services"][role]["deploy"]["replicas"] >= 2
    assert d.kubernetes_object("Deployment", role)["spec"]["replicas"] >= 2


# --- ports -----------------------------------------------------------------------------


def test_the_containers_listen_on_the_ports_stackconfig_defaults_to():
    assert DEFAULT_PORTS == {"web_port": 8000, "rasa_port": 5005, "actions_port": 5055}
    for role in ("rasa", "actions", "web"):
        port = ROLE_PORTS[role]
        assert [p["containerPort"] for p in d.container(role)["ports"]] == [port]
        service = d.kubernetes_object("Service", role)["spec"]
        assert service["clusterIP"] == "None" and [p["port"] for p in service["ports"]] == [port]
    assert 8000 in [p["containerPort"] for p in d.container("mail")["ports"]]


def test_nginx_publishes_the_web_and_rasa_ports_and_never_the_action_servers():
    published = [str(p).rsplit(":", 1)[-1] for p in d.compose()["services"]["nginx"]["ports"]]
    assert sorted(published) == sorted(
        [str(DEFAULT_PORTS["web_port"]), str(DEFAULT_PORTS["rasa_port"])]
    )
    public = d.kubernetes_object("Service", "kefu-public")["spec"]["ports"]
    assert sorted(p["port"] for p in public) == sorted(
        [DEFAULT_PORTS["web_port"], DEFAULT_PORTS["rasa_port"]]
    )
    for role in ("rasa", "actions", "web", "postgres", "redis", "rabbitmq"):
        assert "ports" not in d.compose()["services"][role], f"{role} is published"
    internal = d.kubernetes_object("Service", "nginx")["spec"]["ports"]
    assert sorted(p["port"] for p in internal) == sorted(DEFAULT_PORTS.values())
