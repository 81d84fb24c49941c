"""Search across tickets (subject, description, comments), chats (the bot's
transcript and everything said and noted after the handoff) and customers (name,
email, id), for the console's search box.

Matching is by substring, every word of the query somewhere in the record, case
folded: Chinese writes no spaces, so a word index would take "我的电视屏幕碎了" for
one word and never find "屏幕". Both databases index trigrams, which find any
substring of three characters or more without scanning:

- SQLite (the embedded default): FTS5 tables with the `trigram` tokenizer over the
  searched columns, kept in step by triggers (`install_search_index`).
- PostgreSQL: GIN indexes with `pg_trgm`'s operator class on the same columns,
  which `ILIKE '%word%'` uses. Where the extension cannot be installed the search
  still works, by scanning.

Words shorter than three characters ("退货", "TV") cannot use a trigram index and
narrow the indexed matches, or scan when the query has nothing longer.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Dict, List, Optional, Sequence, Tuple

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from helpdesk.db import Database
from helpdesk.parsing import format_ticket_ref
from helpdesk.records import RecordsUnavailable

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 200
MAX_WORDS = 8

# table -> (FTS table, indexed columns); the content rows' rowid is the link.
_SQLITE_INDEXES: Dict[str, Tuple[str, Tuple[str, ...]]] = {
    "tickets": ("tickets_search", ("subject", "description")),
    "ticket_comments": ("ticket_comments_search", ("body",)),
    "handoffs": ("handoffs_search", ("transcript_text",)),
    "handoff_events": ("handoff_events_search", ("body",)),
    "customers": ("customers_search", ("id", "name", "email")),
}


@dataclass(frozen=True)
class SearchHit:
    kind: str  # ticket | chat | customer
    ref: str  # "T-00042", the handoff id, "C1001"
    title: str
    snippet: str
    at: Optional[datetime]


def words_of(query: str) -> List[str]:
    """The query's words, case folded, at most MAX_WORDS of them."""
    return [w.lower() for w in (query or "")[:MAX_QUERY_CHARS].split()][:MAX_WORDS]


def install_search_index(engine: Engine) -> None:
    """Creates the search indexes that do not exist yet (idempotent; called by
    `Database.create_schema`). A new SQLite index is filled from the rows already
    there, so an existing database becomes searchable on upgrade."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            _install_sqlite(connection)
        elif engine.dialect.name == "postgresql":
            _install_postgres(connection)


def _install_sqlite(connection: Connection) -> None:
    for table, (fts, columns) in _SQLITE_INDEXES.items():
        exists = connection.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
            {"name": fts},
        ).first()
        if exists:
            continue
        cols = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        connection.execute(
            text(
                f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', "
                "content_rowid='rowid', tokenize='trigram')"
            )
        )
        connection.execute(
            text(
                f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
                f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.rowid, {new}); END"
            )
        )
        connection.execute(
            text(
                f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
                f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old}); END"
            )
        )
        connection.execute(
            text(
                f"CREATE TRIGGER {fts}_au AFTER UPDATE ON {table} BEGIN "
                f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old}); "
                f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.rowid, {new}); END"
            )
        )
        connection.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')"))


_PG_EXPRESSIONS = {
    "tickets": "(coalesce(subject, '') || ' ' || coalesce(description, ''))",
    "ticket_comments": "coalesce(body, '')",
    "handoffs": "coalesce(transcript_text, '')",
    "handoff_events": "coalesce(body, '')",
    "customers": "(id || ' ' || coalesce(name, '') || ' ' || coalesce(email, ''))",
}


def _install_postgres(connection: Connection) -> None:
    schema = connection.execute(
        text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'"
        )
    ).scalar_one_or_none()
    if schema is None:
        try:
            with connection.begin_nested():
                connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        except Exception as error:  # no privilege: the search scans instead
            logger.warning("pg_trgm is not available (%s); search will scan", error)
            return
        return _install_postgres(connection)
    for table, expression in _PG_EXPRESSIONS.items():
        connection.execute(
            text(
                f"CREATE INDEX IF NOT EXISTS ix_{table}_search ON {table} "
                f'USING gin (({expression}) "{schema}".gin_trgm_ops)'
            )
        )


class Search:
    def __init__(self, db: Database) -> None:
        self.db = db

    def find(self, query: str, limit: int = 20) -> List[SearchHit]:
        """Tickets, chats and customers holding every word of `query`, newest
        first within each kind: customers, then tickets, then chats."""
        words = words_of(query)
        if not words:
            return []
        limit = max(1, min(int(limit), 100))
        try:
            with self.db.engine.connect() as connection:
                sqlite = connection.dialect.name == "sqlite"
                found = _customers(connection, words, limit, sqlite)
                found += _tickets(connection, words, limit, sqlite)
                found += _chats(connection, words, limit, sqlite)
        except OperationalError as error:  # the database is down or locked
            raise RecordsUnavailable(str(error).splitlines()[0]) from error
        return found


# ----- one kind at a time --------------------------------------------------------------


def _matching_rowids(
    connection: Connection, table: str, words: Sequence[str], sqlite: bool, limit: int
) -> List[int]:
    """Row ids of `table` whose searched text holds every word, newest first."""
    params: Dict[str, object] = {"limit": limit}
    if sqlite:
        fts, columns = _SQLITE_INDEXES[table]
        long_words = [w for w in words if len(w) >= 3]
        conditions = []
        if long_words:
            params["match"] = " AND ".join('"' + w.replace('"', '""') + '"' for w in long_words)
            conditions.append(f"rowid IN (SELECT rowid FROM {fts} WHERE {fts} MATCH :match)")
        haystack = " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)
        for i, word in enumerate(w for w in words if len(w) < 3):
            params[f"w{i}"] = f"%{_escape_like(word)}%"
            conditions.append(f"lower({haystack}) LIKE :w{i} ESCAPE '\\'")
        sql = f"SELECT rowid FROM {table} WHERE {' AND '.join(conditions)} ORDER BY rowid DESC"
    else:
        expression = _PG_EXPRESSIONS[table]
        conditions = []
        for i, word in enumerate(words):
            params[f"w{i}"] = f"%{_escape_like(word)}%"
            conditions.append(f"{expression} ILIKE :w{i} ESCAPE '\\'")
        newest = "created_at DESC, id" if table == "customers" else "id DESC"
        sql = f"SELECT id FROM {table} WHERE {' AND '.join(conditions)} ORDER BY {newest}"
    rows = connection.execute(text(sql + " LIMIT :limit"), params).all()
    return [row[0] for row in rows]


def _customers(connection: Connection, words, limit: int, sqlite: bool) -> List[SearchHit]:  # type: ignore[no-untyped-def]
    keys = _matching_rowids(connection, "customers", words, sqlite, limit)
    if not keys:
        return []
    key = "rowid" if sqlite else "id"
    rows = connection.execute(
        text(
            f"SELECT {key}, id, name, email, created_at FROM customers WHERE {key} IN :keys"
        ).bindparams(_expanding("keys")),
        {"keys": keys},
    ).all()
    place = {k: i for i, k in enumerate(keys)}
    rows = sorted(rows, key=lambda r: place[r[0]])
    return [SearchHit("customer", r[1], r[2], r[3] or "", _moment(r[4])) for r in rows]


def _tickets(connection: Connection, words, limit: int, sqlite: bool) -> List[SearchHit]:  # type: ignore[no-untyped-def]
    ids = _matching_rowids(connection, "tickets", words, sqlite, limit)
    comment_ids = _matching_rowids(connection, "ticket_comments", words, sqlite, limit)
    if comment_ids:
        ids += [
            row[0]
            for row in connection.execute(
                text("SELECT DISTINCT ticket_id FROM ticket_comments WHERE id IN :ids").bindparams(
                    _expanding("ids")
                ),
                {"ids": comment_ids},
            ).all()
        ]
    ids = sorted(set(ids), reverse=True)[:limit]
    if not ids:
        return []
    rows = connection.execute(
        text(
            "SELECT id, subject, description, updated_at FROM tickets WHERE id IN :ids "
            "ORDER BY id DESC"
        ).bindparams(_expanding("ids")),
        {"ids": ids},
    ).all()
    return [
        SearchHit("ticket", format_ticket_ref(r[0]), r[1], _snippet(r[2], words), _moment(r[3]))
        for r in rows
    ]


def _chats(connection: Connection, words, limit: int, sqlite: bool) -> List[SearchHit]:  # type: ignore[no-untyped-def]
    ids = _matching_rowids(connection, "handoffs", words, sqlite, limit)
    event_ids = _matching_rowids(connection, "handoff_events", words, sqlite, limit)
    texts: Dict[int, str] = {}
    if event_ids:
        for handoff_id, body in connection.execute(
            text("SELECT handoff_id, body FROM handoff_events WHERE id IN :ids").bindparams(
                _expanding("ids")
            ),
            {"ids": event_ids},
        ).all():
            ids.append(handoff_id)
            texts.setdefault(handoff_id, body)
    ids = sorted(set(ids), reverse=True)[:limit]
    if not ids:
        return []
    rows = connection.execute(
        text(
            "SELECT h.id, c.name, h.transcript_text, h.created_at FROM handoffs h "
            "LEFT JOIN customers c ON c.id = h.customer_id WHERE h.id IN :ids ORDER BY h.id DESC"
        ).bindparams(_expanding("ids")),
        {"ids": ids},
    ).all()
    return [
        SearchHit(
            "chat", str(r[0]), r[1] or "", _snippet(texts.get(r[0]) or r[2], words), _moment(r[3])
        )
        for r in rows
    ]


# ----- helpers --------------------------------------------------------------------


def _expanding(name: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import bindparam

    return bindparam(name, expanding=True)


def _escape_like(word: str) -> str:
    return re.sub(r"([\\%_])", r"\\\1", word)


def _snippet(body: Optional[str], words: Sequence[str], width: int = 120) -> str:
    """The part of `body` around the first word found, on one line."""
    flat = " ".join((body or "").split())
    lowered = flat.lower()
    at = min((lowered.find(w) for w in words if lowered.find(w) >= 0), default=0)
    start = max(0, at - width // 3)
    piece = flat[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(flat) else "")


def _moment(value: object) -> Optional[datetime]:
    """A stored moment (naive UTC; a string from SQLite's raw rows) made aware."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        try:
            value = datetime.fromisoformat(str(value))
        except ValueError:
            return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
