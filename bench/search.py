"""`./kefu bench search`: the console's search over generated tickets, on the
embedded SQLite database and on PostgreSQL.

Fills a fresh database (a temporary SQLite file; a throwaway schema on the
PostgreSQL server at KEFU_BENCH_POSTGRES, default the local one) with the demo
customers, N tickets (default 100,000) in English and Chinese, one comment on every
second ticket, and N/10 handed-off chats, then times `Search.find` for a set of
queries (rare and common words, two-word queries, Chinese, two-character words
that cannot use the trigram index, and a word that matches nothing), and prints
p50 / p95 per query kind and over all. Loopback only, bounded by N.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from sqlalchemy import create_engine, insert, text

from helpdesk.db import Database
from helpdesk.importer import IMPORT_ORDER, IMPORTERS
from helpdesk.models import Handoff, Ticket, TicketComment
from helpdesk.search import Search
from ops.paths import DEMO_DATA

PRODUCTS = [
    "blender",
    "kettle",
    "laptop",
    "soundbar",
    "air fryer",
    "vacuum",
    "headphones",
    "smartwatch",
    "television",
    "coffee machine",
    "toaster",
    "monitor",
]
PROBLEMS = [
    "arrived cracked",
    "stopped working after a week",
    "makes a grinding noise",
    "was the wrong colour",
    "never arrived",
    "was charged twice",
    "screen flickers",
    "battery drains overnight",
    "box was crushed",
    "missing the power cable",
]
CHINESE = [
    "屏幕碎了",
    "用了一周就坏了",
    "一直有噪音",
    "颜色发错了",
    "快递一直没到",
    "被扣了两次钱",
    "屏幕闪烁",
    "电池掉电很快",
    "包装被压坏",
    "少了电源线",
]
CHINESE_PRODUCTS = ["搅拌机", "电水壶", "笔记本电脑", "音箱", "空气炸锅", "吸尘器", "耳机", "手表"]
QUERIES: Dict[str, List[str]] = {
    "one word": ["grinding", "flickers", "charged", "cable"],
    "two words": ["laptop cracked", "kettle noise", "headphones battery"],
    "rare": ["zebra-7731"],  # planted in one ticket
    "chinese": ["屏幕碎", "电源线", "空气炸锅"],
    "short word": ["TV", "退货"],
    "no match": ["xylophone"],
}


def fill(db: Database, tickets: int, seed: int = 7) -> None:
    db.create_schema()
    for kind in IMPORT_ORDER:
        IMPORTERS[kind](db, DEMO_DATA / f"{kind}.csv")
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    customers = [f"C{1001 + i}" for i in range(36)]
    with db.engine.begin() as connection:
        first_id = (
            connection.execute(text("SELECT coalesce(max(id), 0) FROM tickets")).scalar() or 0
        ) + 1
        batch: List[dict] = []
        comments: List[dict] = []
        for n in range(tickets):
            ticket_id = first_id + n
            if rng.random() < 0.3:
                description = f"我的{rng.choice(CHINESE_PRODUCTS)}{rng.choice(CHINESE)}，请帮忙处理"
            else:
                description = (
                    f"My {rng.choice(PRODUCTS)} {rng.choice(PROBLEMS)} and I would "
                    f"like help, order BW-{100000 + n % 900000}"
                )
            if n == tickets // 2:
                description += " reference zebra-7731"
            at = start + timedelta(minutes=n)
            batch.append(
                dict(
                    id=ticket_id,
                    customer_id=rng.choice(customers),
                    category="other",
                    subject=description[:60],
                    description=description,
                    urgency="normal",
                    priority=1,
                    status="open",
                    source="chat",
                    created_at=at,
                    updated_at=at,
                )
            )
            if n % 2:
                comments.append(
                    dict(
                        ticket_id=ticket_id,
                        author_type="agent",
                        author_name="Sam",
                        body=f"Asked about the {rng.choice(PRODUCTS)}",
                        internal=False,
                        created_at=at,
                    )
                )
            if len(batch) >= 5000:
                connection.execute(insert(Ticket.__table__), batch)
                connection.execute(insert(TicketComment.__table__), comments)
                batch, comments = [], []
        if batch:
            connection.execute(insert(Ticket.__table__), batch)
        if comments:
            connection.execute(insert(TicketComment.__table__), comments)
        chats = [
            dict(
                conversation_id=f"bench-{n}",
                customer_id=rng.choice(customers),
                reason="customer_request",
                status="resolved",
                priority=1,
                sentiment=0.0,
                transcript=[],
                collected={},
                transcript_text=f"my {rng.choice(PRODUCTS)} {rng.choice(PROBLEMS)}",
                created_at=start + timedelta(minutes=n),
            )
            for n in range(tickets // 10)
        ]
        for i in range(0, len(chats), 5000):
            connection.execute(insert(Handoff.__table__), chats[i : i + 5000])
    db.create_schema()  # fills the SQLite search index for rows bulk-loaded (idempotent)
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def time_queries(db: Database, rounds: int) -> Dict[str, List[float]]:
    search = Search(db)
    times: Dict[str, List[float]] = {kind: [] for kind in QUERIES}
    for query in (q for qs in QUERIES.values() for q in qs):  # warm the caches
        search.find(query)
    for _ in range(rounds):
        for kind, queries in QUERIES.items():
            for query in queries:
                began = time.perf_counter()
                hits = search.find(query)
                times[kind].append((time.perf_counter() - began) * 1000)
                if kind == "rare":
                    assert any(h.kind == "ticket" for h in hits), "the planted ticket was not found"
                if kind == "no match":
                    assert not hits
    return times


def _pct(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def report(name: str, fill_s: float, times: Dict[str, List[float]]) -> None:
    everything = [t for ts in times.values() for t in ts]
    print(f"\n{name}: filled in {fill_s:.0f} s")
    print(f"  {'query kind':<12} {'p50 ms':>8} {'p95 ms':>8}")
    for kind, values in times.items():
        print(f"  {kind:<12} {statistics.median(values):8.1f} {_pct(values, 0.95):8.1f}")
    print(f"  {'all':<12} {statistics.median(everything):8.1f} {_pct(everything, 0.95):8.1f}")


def _postgres(server: str) -> Tuple[Database, callable]:  # type: ignore[valid-type]
    schema = f"kefu_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, future=True)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(f"{server}?options=-csearch_path%3D{schema}")

    def drop() -> None:
        db.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return db, drop


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args(argv)
    server = os.environ.get("KEFU_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
    print(
        f"[bench] search over {args.tickets:,} tickets, {args.tickets // 2:,} comments, "
        f"{args.tickets // 10:,} chats; {args.rounds} rounds of "
        f"{sum(len(q) for q in QUERIES.values())} queries"
    )
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as scratch:
            db = Database(f"sqlite:///{Path(scratch) / 'bench.db'}")
            began = time.perf_counter()
            fill(db, args.tickets)
            report(
                "SQLite (FTS5 trigram)", time.perf_counter() - began, time_queries(db, args.rounds)
            )
            db.dispose()
    if args.only in (None, "postgresql"):
        db, drop = _postgres(server)
        try:
            began = time.perf_counter()
            fill(db, args.tickets)
            report(
                "PostgreSQL (pg_trgm GIN)",
                time.perf_counter() - began,
                time_queries(db, args.rounds),
            )
        finally:
            drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
