"""What Alembic compares between the models and a database, and how it writes
types into a new revision. Shared by env.py (`alembic revision --autogenerate`)
and the tests' `compare_metadata`, so both see the same differences."""

from __future__ import annotations

import re
from typing import Any, Optional

from sqlalchemy.types import TypeDecorator

# The search's objects (helpdesk/search.py) are built after the migrations and
# are not in the models: SQLite's FTS5 tables with their shadow tables
# (tickets_search, tickets_search_data...) and PostgreSQL's trigram indexes
# (ix_tickets_search). Autogenerate must not offer to drop them.
_SEARCH_TABLE = re.compile(r"^[a-z_]+_search(_(data|idx|docsize|config|content))?$")
_SEARCH_INDEX = re.compile(r"^ix_[a-z_]+_search$")


def include_object(
    obj: Any, name: Optional[str], type_: str, reflected: bool, compare_to: Any
) -> bool:
    """False for the search's tables and indexes, which only the database has."""
    if reflected and compare_to is None and name:
        if type_ == "table" and _SEARCH_TABLE.match(name):
            return False
        if type_ == "index" and _SEARCH_INDEX.match(name):
            return False
    return True


def render_item(type_: str, obj: Any, autogen_context: Any) -> Any:
    """Kefu's column types (UtcDateTime, Money) are written as what the database
    stores (DateTime, Integer), so a revision does not import helpdesk.models and
    keeps creating the same thing when the models change later."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False
