"""A throw-away copy of Kefu for tests and benchmarks: a SQLite database with the
demo data and servers on free ports, all its files in one folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpdesk.db import Database
from helpdesk.importer import IMPORT_ORDER, IMPORTERS
from ops.paths import DEMO_DATA
from ops.servers import StackConfig, free_ports


def demo_database(path: Path) -> Database:
    """A database at `path` holding the demo data, imported as `./kefu import --demo`
    does."""
    db = Database(f"sqlite:///{path}")
    db.create_schema()
    for kind in IMPORT_ORDER:
        IMPORTERS[kind](db, DEMO_DATA / f"{kind}.csv")
    return db


def scratch_config(work: Path, model: Path, database_url: str, **settings: Any) -> StackConfig:
    """The three servers on free ports, with their tracker store and logs in `work`."""
    web_port, rasa_port, actions_port = free_ports(3)
    return StackConfig(
        model=model,
        database_url=database_url,
        tracker_db=work / "tracker.db",
        web_port=web_port,
        rasa_port=rasa_port,
        actions_port=actions_port,
        log_dir=work / "logs",
        **settings,
    )
