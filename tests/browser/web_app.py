"""The web app alone, as a real process on a free port, for console tests that need
no Rasa: its Rasa address is a port nothing listens on, so telling a customer
anything fails and the console must cope."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator

import pytest

from helpdesk.config import PROJECT_ROOT
from ops.servers import free_ports


def wait_until_up(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the web app stopped while starting:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the web app did not start within a minute:\n{log.read_text()}")


@contextmanager
def web_app_alone(database_url: str, root: Path, settings: Dict[str, str]) -> Iterator[str]:
    """The web app on `database_url` with `settings` (environment variables) laid
    over the defaults; yields its address and stops it afterwards."""
    web_port, rasa_port = free_ports(2)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "KEFU_RASA_URL": f"http://127.0.0.1:{rasa_port}",
        "KEFU_RASA_TOKEN": "x",
        "PYTHONPATH": str(PROJECT_ROOT),
        **settings,
    }
    log = root / "web.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "webapp.app:create_app", "--factory"]
            + ["--host", "127.0.0.1", "--port", str(web_port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{web_port}"
    try:
        wait_until_up(process, url, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
