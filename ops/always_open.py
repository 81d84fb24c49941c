"""A copy of the knowledge base whose company never closes. Tests and benchmarks
that need chats to reach the agents' queue use it, so they behave the same at any
hour of the day (outside support hours a chat becomes a ticket instead)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from ops.paths import ROOT

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def always_open_knowledge_base(target: Path) -> Path:
    shutil.copytree(ROOT / "knowledge_base", target)
    company = target / "company.yml"
    raw = yaml.safe_load(company.read_text())
    raw["support_hours"]["weekly"] = {day: ["00:00", "23:59:59"] for day in WEEKDAYS}
    raw["support_hours"].pop("holiday_country", None)
    company.write_text(yaml.safe_dump(raw, allow_unicode=True))
    return target
