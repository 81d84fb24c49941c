"""Readers of the deployment descriptions in deploy/ for tests/deploy: the compose
file with its `${...}` filled in as docker compose does, the Kubernetes manifests
with each container's environment as the kubelet builds it, nginx configurations as
a tree of directives, and the server commands of deploy/kefu-server."""

from __future__ import annotations

import dataclasses
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

import yaml

from ops.paths import ROOT
from ops.servers import StackConfig

DEPLOY = ROOT / "deploy"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
ENV_EXAMPLE = DEPLOY / "kefu.env.example"
KUBERNETES = DEPLOY / "kubernetes"
SECRET_TEMPLATE = KUBERNETES / "secret.yaml.example"
SERVER_SCRIPT = DEPLOY / "kefu-server"
HEALTHCHECK = DEPLOY / "healthcheck.py"
DOCKERFILE = DEPLOY / "Dockerfile"
# The port each role listens on in its container: ops/servers.py StackConfig's default.
_DEFAULTS = {f.name: f.default for f in dataclasses.fields(StackConfig)}
ROLE_PORTS = {
    "web": _DEFAULTS["web_port"],
    "mail": _DEFAULTS["web_port"],
    "rasa": _DEFAULTS["rasa_port"],
    "actions": _DEFAULTS["actions_port"],
}

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}; $$ is a $.
_REFERENCE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")


def compose_references(text: str) -> List[str]:
    """The variables a compose file takes from the environment file."""
    return [m.group(1) for m in _REFERENCE.finditer(text) if m.group(1)]


def interpolate(value: str, variables: Mapping[str, str]) -> str:
    """`value` with its references filled in from `variables`, as compose does."""

    def fill(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name, operator, argument = match.groups()
        given = variables.get(name)
        # With a colon an empty value counts as missing; without one only an unset one.
        missing = not given if operator in (":-", ":?") else given is None
        if not missing:
            return str(given)
        if operator and operator.endswith("?"):
            raise KeyError(f"{name} is required: {argument}")
        return argument or "" if operator else ""

    return _REFERENCE.sub(fill, value)


def env_file(path: Path) -> Dict[str, str]:
    """The NAME=value lines of an environment file (comments and blanks skipped)."""
    values: Dict[str, str] = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def compose() -> Dict[str, Any]:
    """The compose file as YAML (anchors and `<<` merges resolved)."""
    return yaml.safe_load(COMPOSE_FILE.read_text())


def compose_environment(service: str, variables: Mapping[str, str]) -> Dict[str, str]:
    """A compose service's environment, as written (`None`) or interpolated."""
    written = compose()["services"][service].get("environment") or {}
    if isinstance(written, list):
        written = dict(item.split("=", 1) for item in written)
    return {name: interpolate(str(value), variables) for name, value in written.items()}


def kubernetes_objects(path: Optional[Path] = None) -> List[Dict[str, Any]]:
    """Every object of the manifests `kubectl apply -f deploy/kubernetes/` applies
    (or of one file)."""
    files = [path] if path else sorted(KUBERNETES.glob("*.yaml")) + sorted(KUBERNETES.glob("*.yml"))
    return [doc for file in files for doc in yaml.safe_load_all(file.read_text()) if doc]


def kubernetes_object(kind: str, name: str) -> Dict[str, Any]:
    for obj in kubernetes_objects():
        if obj["kind"] == kind and obj["metadata"]["name"] == name:
            return obj
    raise AssertionError(f"no {kind} {name} in deploy/kubernetes/")


def secret_template() -> Dict[str, Any]:
    return kubernetes_objects(SECRET_TEMPLATE)[0]


def container(deployment: str) -> Dict[str, Any]:
    """The (first) container of a Deployment."""
    return kubernetes_object("Deployment", deployment)["spec"]["template"]["spec"]["containers"][0]


def container_environment(deployment: str) -> Dict[str, str]:
    """A Deployment's container environment: its ConfigMaps' and Secrets' entries
    (envFrom, the Secret from its template) overridden by its own `env`."""
    sources: Dict[Tuple[str, str], Dict[str, str]] = {}
    for obj in kubernetes_objects() + [secret_template()]:
        if obj["kind"] == "ConfigMap":
            sources[("configMapRef", obj["metadata"]["name"])] = obj.get("data") or {}
        if obj["kind"] == "Secret":
            sources[("secretRef", obj["metadata"]["name"])] = obj.get("stringData") or {}
    spec = container(deployment)
    env: Dict[str, str] = {}
    for source in spec.get("envFrom", []):
        ((kind, ref),) = source.items()
        env.update({k: str(v) for k, v in sources[(kind, ref["name"])].items()})
    for item in spec.get("env", []):
        env[item["name"]] = str(item.get("value", ""))
    return env


# --- nginx ---------------------------------------------------------------------------


@dataclass
class Directive:
    name: str
    args: List[str]
    block: List[Directive] = field(default_factory=list)

    def children(self, name: str) -> Iterator[Directive]:
        return (d for d in self.block if d.name == name)

    def flat(self) -> List[Tuple[str, Tuple[str, ...]]]:
        """The directives of this block without their own blocks, in order."""
        return [(d.name, tuple(d.args)) for d in self.block]


_NGINX_TOKEN = re.compile(r'#[^\n]*|"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|[{};]|[^\s{};]+')


def parse_nginx(text: str) -> Directive:
    """An nginx configuration as a tree of directives (the file is the root block)."""
    tokens = [t for t in _NGINX_TOKEN.findall(text) if not t.startswith("#")]
    root = Directive("main", [])
    stack = [root]
    words: List[str] = []
    for token in tokens:
        if token in (";", "{"):
            directive = Directive(words[0], [w.strip("\"'") for w in words[1:]])
            stack[-1].block.append(directive)
            if token == "{":
                stack.append(directive)
            words = []
        elif token == "}":
            stack.pop()
        else:
            words.append(token)
    assert len(stack) == 1 and not words, "unbalanced nginx configuration"
    return root


def nginx_servers(conf: Directive) -> Dict[int, Dict[str, List[Tuple[str, Tuple[str, ...]]]]]:
    """Each server block by its listening port: its locations' directives."""
    http = next(conf.children("http"))
    servers = {}
    for server in http.children("server"):
        listen = next(server.children("listen")).args[0]
        port = int(listen.rsplit(":", 1)[-1])
        servers[port] = {loc.args[0]: loc.flat() for loc in server.children("location")}
    return servers


def nginx_upstreams(conf: Directive) -> Dict[str, Directive]:
    http = next(conf.children("http"))
    return {up.args[0]: up for up in http.children("upstream")}


# --- deploy/kefu-server ---------------------------------------------------------------


def server_command(role: str) -> List[str]:
    """The words of the `exec` command kefu-server runs for `role` (its branch of the
    case statement, line continuations joined), shell variables left as written."""
    text = SERVER_SCRIPT.read_text().replace("\\\n", " ")
    match = re.search(
        rf"^\s*(?:[a-z |]*\|\s*)?{role}(?:\s*\|[a-z |]*)?\)\s*$(.*?)^\s*;;", text, re.M | re.S
    )
    assert match, f"kefu-server has no branch for {role}"
    execs = [
        line.strip() for line in match.group(1).splitlines() if line.strip().startswith("exec ")
    ]
    assert len(execs) == 1, f"kefu-server's {role} branch runs {len(execs)} commands"
    return shlex.split(execs[0], comments=True)[1:]
