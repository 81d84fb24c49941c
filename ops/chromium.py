"""Where Debian's Chromium is and how to start it headless on these machines; used
by the browser tests and the handoff benchmark."""

from __future__ import annotations

import os
import shutil
from typing import Optional

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> Optional[str]:
    return (
        os.environ.get("KEFU_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
