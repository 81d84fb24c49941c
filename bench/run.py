"""`./kefu bench`: Kefu's figures beside those of the starter bot `rasa init` makes,
measured by the same code in the same run on the same machine.

For each bot it prints: training time from scratch (an empty Rasa cache), start-up
time until the Rasa server has loaded the model, the Rasa server's memory, and
reply latency (p50, p95) and throughput over scripted conversations, with 1 and
with 50 conversations at a time. Kefu's conversations run custom actions (greeting a
signed-in customer, an FAQ answer, feedback stored in the database, verification and
an order look-up, the rating form); the starter bot's are its own mood-bot dialogue.
Both run with the endpoints they ship with: Kefu with its action server and SQLite
tracker store, the starter bot with Rasa's in-memory tracker store.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

import httpx
import rasa

from helpdesk.config import Settings
from helpdesk.identity import issue_customer_token
from helpdesk.sql_records import SqlCustomerRecords
from ops.chat_client import SESSION_HEADER, open_session
from ops.paths import ROOT, tool
from ops.scratch_stack import demo_database, scratch_config
from ops.servers import Stack, free_ports

STARTER_TEMPLATE = Path(rasa.__file__).parent / "cli" / "initial_project"
STARTER_SCRIPT = ["hi", "I am sad", "yes", "are you a bot?", "great, thanks", "bye"]
KEFU_SCRIPT = [
    "hi",
    "how long does standard shipping take?",
    "yes",
    "where is my order?",
    "thanks",
    "bye",
]


@dataclass
class Figures:
    bot: str
    training_s: float = 0.0
    startup_s: float = 0.0
    rss_mb: float = 0.0
    peak_rss_mb: float = 0.0
    load: Dict[int, LoadResult] = field(default_factory=dict)


@dataclass
class LoadResult:
    concurrency: int
    messages: int
    seconds: float
    latencies_ms: List[float]
    errors: int

    @property
    def throughput(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed(command: Sequence[str], cwd: Path, env: Dict[str, str]) -> float:
    started = time.monotonic()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(
            f"{' '.join(command[:3])} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )
    return time.monotonic() - started


def train_from_scratch(project: Path, out: Path, extra: Sequence[str], work: Path) -> float:
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", PYTHONPATH=str(ROOT))
    # An empty cache: nothing is reused from earlier trainings.
    env["RASA_CACHE_DIRECTORY"] = str(work / f"cache-{uuid.uuid4().hex[:6]}")
    command = [tool("rasa"), "train", "--out", str(out), "--fixed-model-name", "bench", *extra]
    return timed(command, project, env)


def memory_mb(pid: int) -> Dict[str, float]:
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    return values


def rasa_pid(stack_or_process) -> int:
    if isinstance(stack_or_process, Stack):
        return next(p.popen.pid for p in stack_or_process.processes if p.name == "rasa")
    return stack_or_process.pid


@dataclass(frozen=True)
class Target:
    """A Rasa server's REST channel; Kefu's issues sessions first (kefu_rasa/rest.py)."""

    rasa_url: str
    sessions: bool

    @property
    def webhook(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"


async def conversation(
    client: httpx.AsyncClient,
    target: Target,
    script: Sequence[str],
    metadata: Callable[[], Dict[str, str]],
    latencies: List[float],
) -> int:
    sender, meta, errors, headers = uuid.uuid4().hex, metadata(), 0, {}
    if target.sessions:  # Kefu's channel: a session issued by the server first
        sender, secret = await open_session(client, target.rasa_url)
        headers = {SESSION_HEADER: secret}
    for text in script:
        started = time.perf_counter()
        try:
            response = await client.post(
                target.webhook,
                json={"sender": sender, "message": text, "metadata": meta},
                headers=headers,
            )
            if response.status_code != 200 or not response.json():
                errors += 1
        except httpx.HTTPError:
            errors += 1
        latencies.append((time.perf_counter() - started) * 1000)
    return errors


async def load(
    target: Target,
    script: Sequence[str],
    metadata: Callable[[], Dict[str, str]],
    concurrency: int,
    total: int,
) -> LoadResult:
    latencies: List[float] = []
    limits = httpx.Limits(max_connections=concurrency + 5)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        await conversation(client, target, script, metadata, [])  # warm-up, not counted
        semaphore = asyncio.Semaphore(concurrency)

        async def one() -> int:
            async with semaphore:
                return await conversation(client, target, script, metadata, latencies)

        started = time.monotonic()
        errors = sum(await asyncio.gather(*(one() for _ in range(total))))
        seconds = time.monotonic() - started
    return LoadResult(concurrency, len(latencies), seconds, latencies, errors)


def measure_load(
    figures: Figures, target: Target, script, metadata, conversations_at_1: int, rounds_at_50: int
) -> None:
    figures.load[1] = asyncio.run(load(target, script, metadata, 1, conversations_at_1))
    figures.load[50] = asyncio.run(load(target, script, metadata, 50, 50 * rounds_at_50))


def bench_kefu(work: Path, args: argparse.Namespace) -> Figures:
    figures = Figures("Kefu")
    models = work / "kefu-models"
    print("[bench] Kefu: training from scratch...", flush=True)
    figures.training_s = train_from_scratch(ROOT, models, [], work)
    db = demo_database(work / "kefu.db")
    customers = [c.id for c in SqlCustomerRecords(db).search_customers(limit=100)]
    db.dispose()
    config = scratch_config(work, models / "bench.tar.gz", db.url)
    secret = Settings().customer_token_secret
    print("[bench] Kefu: starting...", flush=True)
    started = time.monotonic()
    with Stack(config) as stack:
        figures.startup_s = time.monotonic() - started
        pid = rasa_pid(stack)
        figures.rss_mb = memory_mb(pid)["VmRSS"]
        target = Target(config.rasa_url, sessions=True)

        def signed_in() -> Dict[str, str]:
            return {"customer_token": issue_customer_token(random.choice(customers), secret)}

        print("[bench] Kefu: scripted conversations...", flush=True)
        measure_load(figures, target, KEFU_SCRIPT, signed_in, args.conversations, args.rounds)
        figures.peak_rss_mb = memory_mb(pid)["VmHWM"]
    return figures


def bench_starter(work: Path, args: argparse.Namespace) -> Figures:
    figures = Figures("rasa init starter bot")
    project = work / "starter"
    shutil.copytree(STARTER_TEMPLATE, project, ignore=shutil.ignore_patterns("__pycache__"))
    print("[bench] starter bot: training from scratch...", flush=True)
    figures.training_s = train_from_scratch(project, project / "models", [], work)
    (port,) = free_ports(1)
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false")
    with open(work / "starter-rasa.log", "w") as log:
        started = time.monotonic()
        process = subprocess.Popen(
            [
                tool("rasa"),
                "run",
                "--model",
                str(project / "models" / "bench.tar.gz"),
                "--enable-api",
                "--port",
                str(port),
                "--interface",
                "127.0.0.1",
            ],
            cwd=project,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_model(f"http://127.0.0.1:{port}", process)
            figures.startup_s = time.monotonic() - started
            figures.rss_mb = memory_mb(process.pid)["VmRSS"]
            print("[bench] starter bot: scripted conversations...", flush=True)
            target = Target(f"http://127.0.0.1:{port}", sessions=False)
            measure_load(figures, target, STARTER_SCRIPT, dict, args.conversations, args.rounds)
            figures.peak_rss_mb = memory_mb(process.pid)["VmHWM"]
        finally:
            process.terminate()
            process.wait(30)
    return figures


def wait_for_model(base: str, process: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("the starter bot's Rasa server stopped while starting")
        try:
            if httpx.get(f"{base}/status", timeout=2).json().get("model_file"):
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.25)
    sys.exit("the starter bot's Rasa server did not start")


def report(rows: List[Figures]) -> str:
    lines = [
        "",
        f"Kefu benchmark — {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} cores",
        "",
    ]
    header = f"{'':34s}" + "".join(f"{f.bot:>26s}" for f in rows)
    lines.append(header)

    def row(label: str, value: Callable[[Figures], str]) -> None:
        lines.append(f"{label:34s}" + "".join(f"{value(f):>26s}" for f in rows))

    row("training from scratch", lambda f: f"{f.training_s:.0f} s")
    row("start-up until model loaded", lambda f: f"{f.startup_s:.1f} s")
    row("Rasa server memory after start", lambda f: f"{f.rss_mb:.0f} MB")
    row("Rasa server peak memory", lambda f: f"{f.peak_rss_mb:.0f} MB")
    for concurrency in (1, 50):
        row(
            f"{concurrency} conversation(s): p50 latency",
            lambda f, c=concurrency: f"{f.load[c].percentile(0.5):.0f} ms",
        )
        row(
            f"{concurrency} conversation(s): p95 latency",
            lambda f, c=concurrency: f"{f.load[c].percentile(0.95):.0f} ms",
        )
        row(
            f"{concurrency} conversation(s): throughput",
            lambda f, c=concurrency: f"{f.load[c].throughput:.1f} msg/s",
        )
        row(
            f"{concurrency} conversation(s): messages / errors",
            lambda f, c=concurrency: f"{f.load[c].messages} / {f.load[c].errors}",
        )
    lines.append("")
    lines.append(
        "Kefu's start-up includes its action server and web app; its conversations run custom actions."
    )
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="./kefu bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--conversations", type=int, default=30, help="conversations run one at a time"
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="rounds of 50 concurrent conversations"
    )
    parser.add_argument("--only", choices=("kefu", "starter"), help="measure one bot only")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kefu-bench-") as tmp:
        work = Path(tmp)
        rows = []
        if args.only in (None, "kefu"):
            rows.append(bench_kefu(work, args))
        if args.only in (None, "starter"):
            rows.append(bench_starter(work, args))
        print(report(rows), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
