"""Alembic's environment for the helpdesk database.

From the command line (`alembic upgrade head`) it connects to DATABASE_URL, or
Kefu's default database. `Database.create_schema()` instead hands it the
connection it already holds (`config.attributes["connection"]`), inside its own
transaction and lock, so the migrations run there and nothing here commits.
SQLite runs in batch mode: it cannot alter most of a table in place, so Alembic
copies the table instead.
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

import helpdesk.email.models  # noqa: F401  (the email tables share Base)
import helpdesk.leases  # noqa: F401  (so does the leases table)
from helpdesk.config import Settings
from helpdesk.db import Database
from helpdesk.migrations.compare import include_object, render_item
from helpdesk.models import Base

config = context.config
target_metadata = Base.metadata
if config.config_file_name is not None and "connection" not in config.attributes:
    fileConfig(config.config_file_name, disable_existing_loggers=False)  # the command line


def database_url() -> str:
    """DATABASE_URL, else the default Kefu uses (helpdesk/config.py)."""
    given = config.get_main_option("sqlalchemy.url")
    if given:
        return given
    return (
        os.environ.get("DATABASE_URL") or Settings(action_token="", session_secret="").database_url
    )


def configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
        render_item=render_item,
        compare_type=True,
    )


def run_offline() -> None:
    """`alembic upgrade head --sql`: writes the SQL instead of running it."""
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=database_url().startswith("sqlite"),
        include_object=include_object,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    given = config.attributes.get("connection")
    if given is not None:
        configure(given)
        with context.begin_transaction():  # the caller's transaction: nothing commits here
            context.run_migrations()
        return
    from alembic.script import ScriptDirectory

    from helpdesk.migrations.legacy import baseline_metadata, is_from_before_alembic
    from helpdesk.migrations.lock import migration_lock
    from helpdesk.migrations.upgrade import migrating

    # A migration may take longer than the bound a request gets for a statement.
    db = Database(database_url(), timeout_seconds=60.0)
    try:
        with migration_lock(db.engine), migrating(db.engine) as connection:
            baseline = baseline_metadata(ScriptDirectory.from_config(config))
            if is_from_before_alembic(connection, baseline):
                raise SystemExit(
                    "This database was made before Kefu used Alembic. Open it once with "
                    "Kefu (any ./kefu command, or Database.create_schema()), which stamps "
                    "and upgrades it; then alembic works on it too."
                )
            configure(connection)
            with context.begin_transaction():  # ours (migrating): nothing commits here
                context.run_migrations()
    finally:
        db.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
