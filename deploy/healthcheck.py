"""The health checks Docker and Kubernetes run in Kefu's containers: the requests
`ScaledStack.ready_checks()` (ops/scaled.py) makes before the tested setup counts a
server as ready, so a container counts as healthy exactly when a tested process
would. Standard library only: the image has no curl, and a check runs every few
seconds.

    python deploy/healthcheck.py rasa|actions|web|mail [--base http://host:port]

Exit status 0: ready; 1: not (yet).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Optional, Sequence

# The ports of ops/servers.py's StackConfig, where kefu-server starts each server.
PORTS = {"web": 8000, "mail": 8000, "rasa": 5005, "actions": 5055}
TIMEOUT_SECONDS = 2.0


def is_ready(role: str, base: Optional[str] = None) -> bool:
    """Whether the server of `role` answers as a ready one does."""
    base = (base or f"http://127.0.0.1:{PORTS[role]}").rstrip("/")
    try:
        if role == "rasa":
            # Ready once a model is loaded: /status names its file (Rasa's HTTP API,
            # behind the API token).
            query = urllib.parse.urlencode({"token": os.environ.get("KEFU_RASA_TOKEN", "")})
            with urllib.request.urlopen(f"{base}/status?{query}", timeout=TIMEOUT_SECONDS) as reply:
                return bool(json.load(reply).get("model_file"))
        path = "/health" if role == "actions" else "/healthz"
        with urllib.request.urlopen(f"{base}{path}", timeout=TIMEOUT_SECONDS) as reply:
            return 200 <= reply.status < 300
    except (OSError, ValueError, urllib.error.URLError):
        return False


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("role", choices=sorted(PORTS))
    parser.add_argument("--base", help="the server's address (default: this container's)")
    args = parser.parse_args(argv)
    return 0 if is_ready(args.role, args.base) else 1


if __name__ == "__main__":
    sys.exit(main())
