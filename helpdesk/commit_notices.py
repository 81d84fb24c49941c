"""That this process committed a change the consoles show, noticed in one place.

Claims, replies, status changes, transfers, ticket comments, the sweeper's
conversions and inbound email commit through the web app's `Database`; a customer's
message for the agent, their comings and goings and new handoffs commit through
the Rasa server's (kefu_rasa/handoff_guard.py) and the action server's. Rather
than every writer remembering to tell the consoles, SQLAlchemy's session events
watch the sessions: a flush or a statement that writes one of `WATCHED_TABLES`
marks the session, and once it has committed `on_commit` hears which of them
changed (from whichever thread committed). The web app wakes its own live feed
with it; every scaled process publishes a notice for the web processes
(helpdesk/desk_announcer.py). A rolled-back change tells nobody.

Each server installs the listeners at its start and removes them at its end; the
helpdesk's writers know nothing of them.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, FrozenSet, List, Optional, Set, Tuple

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from helpdesk.db import Database

logger = logging.getLogger(__name__)

# What the consoles' live feed reads: handoff events (and the chats they belong
# to), tickets with their comments and the per-agent ticket events.
WATCHED_TABLES: FrozenSet[str] = frozenset(
    {"handoff_events", "handoffs", "tickets", "ticket_comments", "ticket_events"}
)
_TOUCHED = "kefu_watched_tables"  # the session.info key of what a session wrote

OnCommit = Callable[[FrozenSet[str]], None]


class CommitNotices:
    """Tells `on_commit` the watched tables each committed session of `db` wrote
    (`db` None: of any database of the process, for the Rasa and action servers,
    whose only other database, Rasa's tracker store, writes no watched table)."""

    def __init__(self, db: Optional[Database], on_commit: OnCommit) -> None:
        self.db = db
        self.on_commit = on_commit
        self.installed = False

    def _listeners(self) -> List[Tuple[str, Callable[..., Any]]]:
        """The session events this watches, and what hears each (install and remove
        share the one list, so they can never disagree)."""
        return [
            ("after_flush", self._after_flush),
            ("do_orm_execute", self._on_execute),
            ("after_commit", self._after_commit),
            ("after_rollback", self._after_rollback),
        ]

    def install(self) -> None:
        if self.installed:
            return
        for name, listener in self._listeners():
            event.listen(Session, name, listener)
        self.installed = True

    def remove(self) -> None:
        if not self.installed:
            return
        for name, listener in self._listeners():
            event.remove(Session, name, listener)
        self.installed = False

    def _ours(self, session: Session) -> bool:
        """Sessions of other databases in the process (tests run several apps)."""
        if self.db is None:
            return True
        return session.bind is not None and session.bind is self.db.engine

    def _mark(self, session: Session, tables: Set[str]) -> None:
        watched = tables & WATCHED_TABLES
        if watched and self._ours(session):
            session.info.setdefault(_TOUCHED, set()).update(watched)

    def _after_flush(self, session: Session, _context: Any) -> None:
        changed = set(session.new) | set(session.dirty) | set(session.deleted)
        self._mark(session, {_table_of(row) for row in changed})

    def _on_execute(self, state: ORMExecuteState) -> None:
        if state.is_update or state.is_delete or _is_insert(state):
            table = getattr(state.statement, "table", None)
            if table is not None:
                self._mark(state.session, {str(getattr(table, "name", ""))})

    def _after_commit(self, session: Session) -> None:
        tables = session.info.pop(_TOUCHED, None)
        if tables:
            try:
                self.on_commit(frozenset(tables))
            except Exception:  # telling the consoles must never fail a commit
                logger.exception("telling the consoles about a commit failed")

    def _after_rollback(self, session: Session) -> None:
        session.info.pop(_TOUCHED, None)


def _table_of(row: object) -> str:
    table = getattr(type(row), "__table__", None)
    return str(getattr(table, "name", ""))


def _is_insert(state: ORMExecuteState) -> bool:
    return bool(getattr(state.statement, "is_insert", False))
