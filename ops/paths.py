"""Where things are: the project, its virtual environment and run-time files."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
MODELS = ROOT / "models"
DEMO_DATA = ROOT / "demo_data"
BIN = Path(sys.executable).parent  # the venv's bin/, since ops runs inside it


def tool(name: str) -> str:
    """A console script installed in the running interpreter's environment."""
    return str(BIN / name)
