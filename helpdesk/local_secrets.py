"""Secrets a development checkout makes for itself.

Kefu's servers share two secrets: the token the Rasa server sends to the action
server, and the key that signs the widget's chat sessions. In production they come
from the environment (`Settings.check()` refuses to run without them). On a
developer's machine nobody should have to invent them, and a value written in the
source would be known to everyone: so the first process that needs one draws it at
random and keeps it in `var/secrets.json` (readable by its owner only), where every
later process of the same checkout finds it.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from pathlib import Path
from typing import Dict

SECRETS_FILE = Path(__file__).resolve().parent.parent / "var" / "secrets.json"


def development_secret(name: str, path: Path = SECRETS_FILE) -> str:
    """The checkout's secret called `name`, made on first use."""
    known = _read(path)
    if name in known:
        return known[name]
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = path.with_suffix(".lock")
    with open(lock, "a") as handle:
        _lock(handle)
        known = _read(path)  # another process may have written it meanwhile
        if name not in known:
            known[name] = secrets.token_urlsafe(32)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(known, indent=2))
            temporary.chmod(0o600)
            temporary.replace(path)
        return known[name]


def _read(path: Path) -> Dict[str, str]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return (
        {k: v for k, v in data.items() if isinstance(v, str) and v}
        if isinstance(data, dict)
        else {}
    )


def _lock(handle) -> None:  # type: ignore[no-untyped-def]
    with contextlib.suppress(ImportError):
        import fcntl

        fcntl.flock(handle, fcntl.LOCK_EX)
