"""A throw-away scaled Kefu (ops/scaled.py) for tests and benchmarks: a fresh
PostgreSQL database of this machine's holding the demo data, N processes of each
server behind nginx on free ports, and the database dropped afterwards.

tests/conftest.py (`scaled_stack_on`) and bench/load.py both start theirs here, so
the system tests and the load benchmark run the very same configuration.
"""

from __future__ import annotations

import io
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Callable, Dict, Iterator, Optional

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from helpdesk.db import Database
from helpdesk.importer import IMPORT_ORDER, IMPORTERS
from ops.always_open import always_open_knowledge_base
from ops.paths import DEMO_DATA
from ops.scaled import DEFAULT_DATABASE_URL, ScaledConfig, ScaledStack
from ops.scaled_start import ensure_database
from ops.servers import free_ports


@contextmanager
def scratch_postgres_database(
    prefix: str = "kefu_test", prepare: Optional[Callable[[Database], None]] = None
) -> Iterator[str]:
    """The URL of a new PostgreSQL database holding the demo data (and whatever
    `prepare` adds), dropped on leaving even if its users are still connected."""
    url = make_url(DEFAULT_DATABASE_URL).set(database=f"{prefix}_{secrets.token_hex(4)}")
    database_url = url.render_as_string(hide_password=False)
    ensure_database(database_url)
    try:
        db = Database(database_url)
        db.create_schema()
        for kind in IMPORT_ORDER:
            IMPORTERS[kind](db, DEMO_DATA / f"{kind}.csv")
        if prepare is not None:
            prepare(db)
        db.dispose()
        yield database_url
    finally:
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def scratch_scaled_stack(
    model: Path,
    root: Path,
    scale: int = 2,
    stack_class: Optional[type] = None,
    prepare: Optional[Callable[[Database], None]] = None,
    echo: Optional[IO[str]] = None,
    prefix: str = "kefu_test",
    counts: Optional[Dict[str, Optional[int]]] = None,
    **settings: str,
) -> Iterator[ScaledStack]:
    """`scale` processes of each server (or as `counts` says: {"rasa": 2, "web": 1})
    behind nginx, in demo mode, on a scratch database (`scratch_postgres_database`),
    with their files in `root`. Support is open around the clock (so a handed-over chat reaches the queue at any hour) and
    the servers trust one proxy (X-Forwarded-For), as the single-stack tests do."""
    with scratch_postgres_database(prefix, prepare) as database_url:
        config = ScaledConfig(
            model=model,
            database_url=database_url,
            tracker_db=root / "tracker.db",
            log_dir=root / "logs",
            demo_mode=True,
            scale=scale,
            **(counts or {}),
            extra_env={
                "KEFU_KNOWLEDGE_BASE": str(always_open_knowledge_base(root / "kb")),
                "SANIC_PROXIES_COUNT": "1",
                **settings,
            },
        )
        config.web_port, config.rasa_port, config.actions_port = free_ports(3)
        stack_type = stack_class or ScaledStack
        with stack_type(config, echo=echo if echo is not None else io.StringIO()) as running:
            yield running
