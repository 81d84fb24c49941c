"""`./kefu bench load`: throughput, reply latency and lost messages of the scaled
setup under load, with the CPU of every process, at 1, 2, ... Rasa processes.

For each scale N: a scaled stack (ops/scaled_scratch.py: N Rasa, N action and N
web processes behind nginx on a scratch PostgreSQL database with the demo data,
Redis and RabbitMQ), warmed up with a conversation through each Rasa process;
then Locust, headless, as a process of its own (bench/load_locustfile.py), runs U
simulated customers through nginx's Rasa port on the loopback address, each one
complete scripted conversation after another with custom actions (FAQ feedback
stored, sign-in by customer_token, account and order look-ups in PostgreSQL, the
rating form). Bounded: Locust's --run-time and --stop-timeout, at most
--conversations conversations, and a kill if Locust overstays.

Measured in a window of --seconds after a ramp-up: completed conversations and
answered messages per second, reply latency (the webhook call), and the CPU
seconds of each server process and its children (psutil), of Locust, of
PostgreSQL, Redis and RabbitMQ (found by name), and of everything else, beside
the machine's idle time. Over the whole run, afterwards: every message sent is
looked up by its bench_message_id in its conversation's tracker (Rasa's HTTP API
through nginx): lost = not there, or no bot answer after it, or the customer got
no reply; duplicated = there more than once.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import requests

from bench.load_report import Run, comparison, table
from helpdesk.config import Settings
from helpdesk.identity import issue_customer_token
from ops.chat_client import RestChat
from ops.paths import DEMO_DATA, ROOT, tool
from ops.process_cpu import cpu_between, snapshot, steal_between
from ops.scaled import ScaledStack
from ops.scaled_scratch import scratch_scaled_stack
from ops.training import ensure_model

# [label, text, signed in?]: each message of one conversation; {order} is one of the
# signed-in customer's orders. The locustfile reads it from the plan file.
SCRIPT: List[Tuple[str, str, bool]] = [
    ("1 greet", "hi", False),
    ("2 faq", "how long does standard shipping take?", False),
    ("3 faq feedback", "yes", False),
    ("4 sign in: account", "show my account", True),
    ("5 where is my order", "where is my order?", True),
    ("6 one order", "where is order {order}?", True),
    ("7 goodbye", "bye", True),
    ("8 rating", "5", True),
    ("9 no comment", "no thanks", True),
]
LOCUSTFILE = ROOT / "bench" / "load_locustfile.py"
STOP_TIMEOUT_S = 30  # Locust lets a conversation under way finish for this long


def customer_plan() -> List[Dict[str, str]]:
    """Every demo customer with an order: a signed token and one of the orders."""
    import csv

    secret = Settings().customer_token_secret
    with open(DEMO_DATA / "orders.csv", newline="", encoding="utf-8") as orders:
        first_order: Dict[str, str] = {}
        for row in csv.DictReader(orders):
            first_order.setdefault(row["customer_id"], row["order_id"])
    return [
        {"customer": customer, "token": issue_customer_token(customer, secret), "order": order}
        for customer, order in sorted(first_order.items())
    ]


def warm_up(stack: ScaledStack, customer: Dict[str, str]) -> None:
    """The whole script once through each Rasa process, side by side, so costs of a
    first message (the model's lazy parts, database connections) are not measured."""
    processes = [p.name for p in stack.processes if p.name.startswith("rasa-")]

    def converse(name: str) -> None:
        chat = RestChat(stack.process_url(name), timeout=60)
        for _, text, signed_in in SCRIPT:
            metadata = {"customer_token": customer["token"]} if signed_in else {}
            chat.send(text.format(**customer), metadata)

    with ThreadPoolExecutor(len(processes)) as pool:
        list(pool.map(converse, processes))


def run_locust(
    stack: ScaledStack,
    customers: List[Dict[str, str]],
    users: int,
    seconds: float,
    settle: float,
    max_conversations: int,
    work: Path,
) -> Run:
    """One headless Locust run against nginx's Rasa port; CPU is sampled at the
    start and end of the measured window, from this process (not Locust's)."""
    host = stack.config.rasa_url
    if not host.startswith("http://127.0.0.1:"):
        raise RuntimeError(f"the load benchmark stays on the loopback address, not {host}")
    counts = stack.config.counts()
    tag = f"rasa{counts['rasa']}-u{users}-{time.monotonic_ns()}"
    record = work / f"{tag}.jsonl"
    record.write_text("")
    plan = work / f"{tag}-plan.json"
    plan.write_text(
        json.dumps(
            {
                "script": SCRIPT,
                "customers": customers,
                "max_conversations": max_conversations,
                "record": str(record),
            }
        )
    )
    run_time = int(settle + seconds + 2)
    command = [
        tool("locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),  # all at once: the ramp-up is the first `settle` seconds
        "--run-time",
        f"{run_time}s",
        "--stop-timeout",
        str(STOP_TIMEOUT_S),
        "--host",
        host,
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    roots = {p.name: p.popen.pid for p in stack.processes}
    log_path = work / f"{tag}-locust.log"
    before_errors = len(stack.echo.getvalue().splitlines())  # type: ignore[union-attr]
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(log_path, "w") as log:
        locust = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, "KEFU_LOAD_PLAN": str(plan)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            roots["locust"] = locust.pid
            started = _wait_for_first_message(record, locust, timeout=60)
            _sleep_until(started + settle, locust)
            first = snapshot(roots)
            _sleep_until(first.wall + seconds, locust)
            last = snapshot(roots)
            locust.wait(run_time + STOP_TIMEOUT_S + 30)
        except subprocess.TimeoutExpired:
            print("[bench] Locust overstayed its time: stopped", flush=True)
        finally:
            if locust.poll() is None:
                os.killpg(locust.pid, signal.SIGKILL)
                locust.wait(10)
    if locust.returncode not in (0, None):
        raise RuntimeError(f"Locust failed ({locust.returncode}):\n{log_path.read_text()[-3000:]}")
    if "locust" not in last.per_process:  # it ended in the window (the count bound)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        last.per_process["locust"] = {
            locust.pid: children.ru_utime
            + children.ru_stime
            - children_before.ru_utime
            - children_before.ru_stime
        }
    result = Run(
        counts["rasa"], users, last.wall - first.wall, actions=counts["actions"], web=counts["web"]
    )
    result.cpu_s, result.busy_s, result.idle_s = cpu_between(first, last)
    result.steal_s = steal_between(first, last)
    count_messages(result, record, first.wall, last.wall)
    check_trackers(result, stack, record)
    result.server_errors = stack.echo.getvalue().splitlines()[before_errors:]  # type: ignore[union-attr]
    return result


def _wait_for_first_message(record: Path, locust: subprocess.Popen, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if locust.poll() is not None:
            raise RuntimeError(f"Locust stopped before sending anything ({locust.returncode})")
        with open(record, encoding="utf-8") as lines:
            line = lines.readline()
        if line.endswith("\n"):
            return float(json.loads(line)["at"])
        time.sleep(0.05)
    raise RuntimeError("Locust sent nothing within a minute")


def _sleep_until(wall: float, locust: subprocess.Popen) -> None:
    """Until the wall-clock time `wall`, or until Locust ends (the count bound)."""
    while time.time() < wall and locust.poll() is None:
        time.sleep(min(0.2, max(0.0, wall - time.time())))


def read_record(record: Path) -> Tuple[Dict[str, dict], Dict[str, dict]]:
    """(sent, answered), each by bench_message_id."""
    sent: Dict[str, dict] = {}
    answered: Dict[str, dict] = {}
    for line in record.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            (sent if entry["kind"] == "sent" else answered)[entry["id"]] = entry
    return sent, answered


def count_messages(result: Run, record: Path, start: float, end: float) -> None:
    """Throughput and latency in the window [start, end] (by when the reply came);
    errors over the whole run (a message never answered counts too)."""
    sent, answered = read_record(record)
    for entry in answered.values():
        if start <= entry["done"] <= end:
            result.latencies_ms.append(1000 * (entry["done"] - entry["at"]))
            if entry["last"] and not entry["error"]:
                result.conversations += 1
    result.sent = len(sent)
    for message_id in sent:
        error = answered.get(message_id, {"error": "no answer before Locust stopped"})["error"]
        if error:
            result.errors += 1
            result.error_kinds[error] += 1


def check_trackers(result: Run, stack: ScaledStack, record: Path) -> None:
    """Every message sent, in its conversation's tracker exactly once, with a bot
    event after it, and a reply in the webhook's answer."""
    sent, answered = read_record(record)
    by_conversation: Dict[str, List[str]] = {}
    for message_id, entry in sent.items():
        by_conversation.setdefault(entry["conversation"], []).append(message_id)
    result.trackers = len(by_conversation)
    session = requests.Session()

    def events(conversation: str) -> List[dict]:
        response = session.get(
            f"{stack.config.rasa_url}/conversations/{conversation}/tracker",
            params={"token": stack.config.rasa_token, "include_events": "ALL"},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()["events"]

    with ThreadPoolExecutor(4) as pool:
        trackers = dict(zip(by_conversation, pool.map(events, by_conversation), strict=True))
    for conversation, message_ids in by_conversation.items():
        seen: Counter = Counter()
        answered_in_tracker = set()
        current: Optional[str] = None
        for event in trackers[conversation]:
            if event["event"] == "user":
                current = (event.get("metadata") or {}).get("bench_message_id")
                seen[current] += 1
            elif event["event"] == "bot" and current is not None:
                answered_in_tracker.add(current)
        for message_id in message_ids:
            reply = answered.get(message_id, {})
            if (
                seen[message_id] == 0
                or message_id not in answered_in_tracker
                or not reply.get("replies")
            ):
                result.lost.append(message_id)
            if seen[message_id] > 1:
                result.duplicated.append(message_id)


def measure(model: Path, scale: int, user_counts: Sequence[int], args, work: Path) -> List[Run]:
    """One scaled stack of `scale` Rasa processes (and --actions, --web, or as many);
    a Locust run for each user count (a sweep, or just one)."""
    customers = customer_plan()
    print(f"[bench] scale {scale}: starting the stack...", flush=True)
    started = time.monotonic()
    root = work / f"scale-{scale}"
    counts = {"rasa": scale, "actions": args.actions, "web": args.web}
    with scratch_scaled_stack(
        model, root, scale=scale, prefix="kefu_bench", counts=counts
    ) as stack:
        print(
            f"[bench] scale {scale}: up in {time.monotonic() - started:.0f} s; warming up",
            flush=True,
        )
        warm_up(stack, customers[0])
        runs = []
        for users in user_counts:
            print(f"[bench] scale {scale}: {users} users for {args.seconds:g} s...", flush=True)
            runs.append(
                run_locust(
                    stack, customers, users, args.seconds, args.settle, args.conversations, root
                )
            )
        return runs


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="./kefu bench load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,2", help="Rasa process counts, e.g. 1,2")
    parser.add_argument(
        "--actions", type=int, default=None, help="action servers (default: as many as Rasa)"
    )
    parser.add_argument(
        "--web", type=int, default=None, help="web processes (default: as many as Rasa)"
    )
    parser.add_argument("--users", type=int, default=12, help="simulated customers at once")
    parser.add_argument("--seconds", type=float, default=60, help="the measured window")
    parser.add_argument("--settle", type=float, default=5, help="ramp-up before the window")
    parser.add_argument(
        "--conversations", type=int, default=5000, help="at most this many conversations a run"
    )
    parser.add_argument(
        "--sweep", default="", help="user counts to try at the first scale instead, e.g. 2,4,8"
    )
    args = parser.parse_args(argv)
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    cores = os.cpu_count() or 1
    model = ensure_model()
    print(
        "\n".join(
            [
                "",
                f"Kefu load benchmark — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
                f"{cores} cores, load average before {os.getloadavg()[0]:.1f}",
                f"Scripted conversations of {len(SCRIPT)} messages "
                f"({', '.join(s[0] for s in SCRIPT)}),",
                f"no pause; measured window {args.seconds:g} s after {args.settle:g} s of ramp-up.",
                "",
            ]
        ),
        flush=True,
    )
    runs: List[Run] = []
    with tempfile.TemporaryDirectory(prefix="kefu-bench-load-") as tmp:
        plan = [(scales[0], [int(u) for u in args.sweep.split(",")])] if args.sweep else None
        for scale, counts in plan or [(scale, [args.users]) for scale in scales]:
            for run in measure(model, scale, counts, args, Path(tmp)):
                runs.append(run)
                print("\n".join(["", *table(run, cores), ""]), flush=True)
    if not args.sweep:
        print("\n".join(comparison(runs, cores)), flush=True)
    return 0 if all(not r.lost and not r.duplicated for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
