"""deploy/nginx/kefu.conf and the nginx ConfigMap of deploy/kubernetes/ route as
ops/nginx.conf.template does, rendered by ops/scaled.py for the default ports: the
same servers, locations and directives, the same balancing and retries, with the
services' names (re-resolved) in the upstreams instead of loopback ports."""

from __future__ import annotations

from typing import Set, Tuple

import pytest

from ops.scaled import render_nginx_conf
from tests.deploy import descriptions as d
from tests.deploy.test_descriptions import DEFAULT_PORTS, ROLE_PORTS, scaled_config

# --- nginx -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> d.Directive:
    """ops/nginx.conf.template as ops/scaled.py renders it for the default ports."""
    return d.parse_nginx(
        render_nginx_conf(scaled_config(), tmp_path_factory.mktemp("nginx")).read_text()
    )


def kubernetes_nginx() -> str:
    return d.kubernetes_object("ConfigMap", "kefu-nginx")["data"]["nginx.conf"]


NGINX = [
    ("compose", lambda: (d.DEPLOY / "nginx" / "kefu.conf").read_text(), ""),
    ("kubernetes", kubernetes_nginx, ".kefu.svc.cluster.local"),
]


@pytest.mark.parametrize("description, text, suffix", NGINX)
def test_nginx_has_the_templates_servers_locations_and_their_directives(
    template, description, text, suffix
):
    deployed = d.parse_nginx(text())
    assert d.nginx_servers(deployed) == d.nginx_servers(template)
    assert set(d.nginx_servers(template)) == set(DEFAULT_PORTS.values())


@pytest.mark.parametrize("description, text, suffix", NGINX)
def test_nginx_keeps_the_templates_balancing_retries_and_upgrade_map(
    template, description, text, suffix
):
    deployed = d.parse_nginx(text())
    http, tested_http = next(deployed.children("http")), next(template.children("http"))
    for name in ("proxy_next_upstream", "proxy_connect_timeout", "client_max_body_size"):
        assert [x.args for x in http.children(name)] == [
            x.args for x in tested_http.children(name)
        ], name
    assert [(m.args, m.flat()) for m in http.children("map")] == [
        (m.args, m.flat()) for m in tested_http.children("map")
    ]
    tested_ups, deployed_ups = d.nginx_upstreams(template), d.nginx_upstreams(deployed)
    assert set(deployed_ups) == set(tested_ups)
    # Each upstream: the servers of the role whose port nginx listens on for it.
    role_of = {f"kefu_{role}": role for role in ("web", "rasa", "actions")}
    for name, upstream in deployed_ups.items():
        tested_up = tested_ups[name]
        for rule in ("least_conn", "keepalive"):
            assert [x.args for x in upstream.children(rule)] == [
                x.args for x in tested_up.children(rule)
            ]
        servers = [x.args for x in upstream.children("server")]
        role = role_of[name]
        assert servers == [[f"{role}{suffix}:{ROLE_PORTS[role]}", "resolve"]], name
        assert list(upstream.children("zone")), f"{name}: resolve needs a zone"
    assert list(http.children("resolver"))


def location(conf: d.Directive, port: int, path: str) -> Set[Tuple[str, Tuple[str, ...]]]:
    return set(d.nginx_servers(conf)[port][path])


@pytest.mark.parametrize("description, text, suffix", NGINX)
def test_socketio_upgrades_to_websocket_and_the_event_stream_is_unbuffered_for_an_hour(
    template, description, text, suffix
):
    for conf in (template, d.parse_nginx(text())):
        socketio = location(conf, DEFAULT_PORTS["rasa_port"], "/socket.io/")
        assert {
            ("proxy_set_header", ("Upgrade", "$http_upgrade")),
            ("proxy_set_header", ("Connection", "$connection_upgrade")),
            ("proxy_http_version", ("1.1",)),
        } <= socketio
        stream = location(conf, DEFAULT_PORTS["web_port"], "/api/events/stream")
        assert {("proxy_buffering", ("off",)), ("proxy_read_timeout", ("1h",))} <= stream


def test_the_kubernetes_nginx_is_the_compose_nginx_with_the_clusters_names():
    compose_text = (d.DEPLOY / "nginx" / "kefu.conf").read_text()
    strip = lambda text: [x for x in d.parse_nginx(text).block if x.name != "http"]  # noqa: E731
    assert strip(compose_text) == strip(kubernetes_nginx())
    mount = d.container("nginx")["volumeMounts"][0]
    assert mount["mountPath"] == "/etc/nginx/nginx.conf" and mount["subPath"] == "nginx.conf"
    assert (
        "./nginx/kefu.conf:/etc/nginx/nginx.conf:ro" in d.compose()["services"]["nginx"]["volumes"]
    )
