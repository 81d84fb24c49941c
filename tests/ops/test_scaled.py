"""ops/scaled.py: how many processes of each server the scaled setup starts, and
that nginx balances over exactly those (the processes themselves run in
tests/system/test_scale_out.py and `./kefu bench load`)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from ops.paths import ROOT
from ops.scaled import ScaledConfig, ScaledStack, render_nginx_conf


def config(tmp_path: Path, **counts) -> ScaledConfig:
    return ScaledConfig(
        model=tmp_path / "model.tar.gz",
        database_url="postgresql://postgres@127.0.0.1:5432/kefu_unit",
        tracker_db=tmp_path / "tracker.db",
        log_dir=tmp_path / "logs",
        **counts,
    )


def upstream(conf: str, name: str) -> list:
    block = re.search(r"upstream " + name + r" \{(.*?)\}", conf, re.S)
    assert block is not None, name
    return [int(port) for port in re.findall(r"server [\d.]+:(\d+);", block.group(1))]


def test_the_scale_alone_starts_that_many_of_every_server(tmp_path):
    stack = ScaledStack(config(tmp_path, scale=3))
    names = sorted(stack.commands())
    assert names == sorted(
        [f"{kind}-{n}" for kind in ("rasa", "actions", "web") for n in (1, 2, 3)] + ["nginx"]
    )
    assert stack.config.counts() == {"rasa": 3, "actions": 3, "web": 3}


def test_each_server_can_have_its_own_count_and_every_process_its_own_port(tmp_path):
    stack = ScaledStack(config(tmp_path, scale=1, rasa=3, web=2))
    c = stack.config
    assert c.counts() == {"rasa": 3, "actions": 1, "web": 2}
    names = set(stack.commands())
    assert {"rasa-1", "rasa-2", "rasa-3", "actions-1", "web-1", "web-2", "nginx"} == names
    assert set(stack.ready_checks()) == names
    every_port = [*c.rasa_ports, *c.actions_ports, *c.web_ports]
    assert len(set(every_port)) == len(every_port) == 6
    for number, port in enumerate(c.rasa_ports, start=1):
        command = stack.commands()[f"rasa-{number}"]
        assert command[command.index("--port") + 1] == str(port)
        assert stack.process_url(f"rasa-{number}").endswith(f":{port}")
    assert stack.process_url("actions-1").endswith(f":{c.actions_ports[0]}")


def test_nginx_balances_over_exactly_the_processes_started(tmp_path):
    c = config(tmp_path, scale=2, rasa=3, actions=1)
    conf = render_nginx_conf(c, tmp_path / "nginx").read_text()
    assert upstream(conf, "kefu_rasa") == c.rasa_ports
    assert upstream(conf, "kefu_actions") == c.actions_ports
    assert upstream(conf, "kefu_web") == c.web_ports == c.web_ports[:2]


def test_given_ports_decide_the_counts(tmp_path):
    c = config(tmp_path, scale=1, rasa_ports=[1001, 1002], actions_ports=[1003], web_ports=[1004])
    assert c.counts() == {"rasa": 2, "actions": 1, "web": 1}


@pytest.mark.parametrize("counts", [{"scale": 0}, {"rasa": 0}, {"web": -1}])
def test_a_server_with_no_process_is_refused(tmp_path, counts):
    with pytest.raises(ValueError, match="at least one process"):
        config(tmp_path, **counts)


@pytest.mark.parametrize("arguments", [["--scale", "2", "--rasa", "0"], ["--web", "-1"]])
def test_start_refuses_a_server_with_no_process_before_starting_anything(arguments):
    result = subprocess.run(
        [sys.executable, "-m", "ops", "start", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "every server runs at least one process" in result.stderr
