"""`./kefu bench disturbance`: does one customer's bad luck slow down the others?

Fifty scripted conversations run side by side against the real servers (the same
script as `./kefu bench`: a signed-in customer greets, asks an FAQ, says it
helped, asks where their order is, thanks and says goodbye), each customer pausing
2 to 4 seconds before their next message as people do (`--think 0` sends without
pause, which saturates two cores whatever else happens), three times:

- quiet, as the yardstick;
- while another process holds the database's write lock for 10 seconds (an
  import, a stuck writer);
- while 200,000-character messages arrive from another conversation, twice a
  second for 10 seconds.

It prints p50, p95 and the slowest reply of the unrelated conversations' messages
sent during the 10 seconds (the same window in the quiet run), and the errors.
The target: p95 under one second in every run.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List, Optional

import httpx

from bench.run import KEFU_SCRIPT
from helpdesk.config import Settings
from helpdesk.identity import issue_customer_token
from helpdesk.sql_records import SqlCustomerRecords
from ops.chat_client import SESSION_HEADER, open_session
from ops.scratch_stack import demo_database, scratch_config
from ops.servers import Stack
from ops.training import ensure_model

SCRIPT = KEFU_SCRIPT  # the same conversation as `./kefu bench`
WARM_UP_S = 6.0
DISTURBANCE_S = 10.0
COOL_DOWN_S = 2.0
LONG_MESSAGE = ("I have a long story to tell about my order " * 5000)[:200_000]


@dataclass
class Sample:
    started: float  # seconds since the run began
    latency_ms: float
    ok: bool


@dataclass
class Run:
    name: str
    samples: List[Sample] = field(default_factory=list)
    disturbing_ms: List[float] = field(default_factory=list)  # the disturber's own replies
    probe_writes: List[bool] = field(default_factory=list)  # writes tried during the lock

    def window(self) -> List[Sample]:
        return [s for s in self.samples if WARM_UP_S <= s.started < WARM_UP_S + DISTURBANCE_S]

    def percentile(self, q: float) -> float:
        ordered = sorted(s.latency_ms for s in self.window())
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def customer(
    client: httpx.AsyncClient,
    rasa_url: str,
    token: Callable[[], str],
    run: Run,
    t0: float,
    until: float,
    think: float,
) -> None:
    """One customer after another, each with a fresh session, until `until`."""
    await asyncio.sleep(random.uniform(0, think * 1.5))  # not all arriving at once
    while time.monotonic() < until:
        sender, secret = await open_session(client, rasa_url)
        metadata = {"customer_token": token()}
        for text in SCRIPT:
            started = time.monotonic()
            try:
                response = await client.post(
                    f"{rasa_url}/webhooks/rest/webhook",
                    json={"sender": sender, "message": text, "metadata": metadata},
                    headers={SESSION_HEADER: secret},
                )
                ok = response.status_code == 200 and bool(response.json())
            except httpx.HTTPError:
                ok = False
            run.samples.append(Sample(started - t0, (time.monotonic() - started) * 1000, ok))
            if think:
                await asyncio.sleep(random.uniform(think * 2 / 3, think * 4 / 3))


def hold_the_write_lock(database: Path, start_at: float, run: Run) -> threading.Thread:
    """Another writer holding the database for DISTURBANCE_S seconds; meanwhile a
    third connection tries to write once a second, to show the lock bites."""

    def hold() -> None:
        time.sleep(max(0.0, start_at - time.monotonic()))
        connection = sqlite3.connect(database, isolation_level=None, timeout=30)
        connection.execute("BEGIN IMMEDIATE")
        stop = time.monotonic() + DISTURBANCE_S
        while time.monotonic() < stop - 1:
            probe = sqlite3.connect(database, timeout=0.5, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")  # what any write starts with
                probe.execute("ROLLBACK")
                run.probe_writes.append(True)
            except sqlite3.OperationalError:
                run.probe_writes.append(False)
            finally:
                probe.close()
            time.sleep(0.5)
        time.sleep(max(0.0, stop - time.monotonic()))
        connection.execute("ROLLBACK")
        connection.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    return thread


async def send_long_messages(
    client: httpx.AsyncClient, rasa_url: str, run: Run, start_at: float
) -> None:
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    sender, secret = await open_session(client, rasa_url)
    stop = time.monotonic() + DISTURBANCE_S
    while time.monotonic() < stop:
        started = time.monotonic()
        await client.post(
            f"{rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": LONG_MESSAGE},
            headers={SESSION_HEADER: secret},
        )
        run.disturbing_ms.append((time.monotonic() - started) * 1000)
        await asyncio.sleep(0.5)


async def one_run(
    name: str,
    rasa_url: str,
    token: Callable[[], str],
    database: Path,
    concurrency: int,
    think: float,
) -> Run:
    run = Run(name)
    t0 = time.monotonic()
    until = t0 + WARM_UP_S + DISTURBANCE_S + COOL_DOWN_S
    limits = httpx.Limits(max_connections=concurrency + 10)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        tasks = [
            customer(client, rasa_url, token, run, t0, until, think) for _ in range(concurrency)
        ]
        lock: Optional[threading.Thread] = None
        if name == "database write lock held 10 s":
            lock = hold_the_write_lock(database, t0 + WARM_UP_S, run)
        if name == "200,000-character messages":
            tasks.append(send_long_messages(client, rasa_url, run, t0 + WARM_UP_S))
        await asyncio.gather(*tasks)
        if lock is not None:
            lock.join()
    return run


def print_table(runs: List[Run]) -> None:
    print(f"\n{'run':34} {'messages':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'errors':>6}")
    for run in runs:
        window = run.window()
        slowest = max((s.latency_ms for s in window), default=float("nan"))
        print(
            f"{run.name:34} {len(window):8d} {run.percentile(0.5):8.0f} "
            f"{run.percentile(0.95):8.0f} {slowest:8.0f} {sum(not s.ok for s in window):6d}"
        )
    for run in runs:
        if run.probe_writes:
            print(
                f"\nwrites by another connection during the lock: "
                f"{run.probe_writes.count(False)} of {len(run.probe_writes)} refused"
            )
        if run.disturbing_ms:
            print(
                f"\nthe 200,000-character messages themselves: {len(run.disturbing_ms)} answered, "
                f"slowest {max(run.disturbing_ms):.0f} ms"
            )


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument(
        "--think", type=float, default=3.0, help="mean seconds a customer takes to reply"
    )
    args = parser.parse_args(argv)
    model = ensure_model()
    with tempfile.TemporaryDirectory(prefix="kefu-bench-") as scratch:
        work = Path(scratch)
        db = demo_database(work / "kefu.db")
        customers = [c.id for c in SqlCustomerRecords(db).search_customers(limit=100)]
        db.dispose()
        config = scratch_config(work, model, db.url)
        secret = Settings().customer_token_secret

        def token() -> str:
            return issue_customer_token(random.choice(customers), secret)

        print("[bench] starting the servers...", flush=True)
        runs = []
        with Stack(config):
            for name in ("quiet", "database write lock held 10 s", "200,000-character messages"):
                print(f"[bench] {args.concurrency} conversations, {name}...", flush=True)
                runs.append(
                    asyncio.run(
                        one_run(
                            name,
                            config.rasa_url,
                            token,
                            work / "kefu.db",
                            args.concurrency,
                            args.think,
                        )
                    )
                )
        print_table(runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
