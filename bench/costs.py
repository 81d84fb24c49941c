"""`./kefu bench costs`: what one customer message costs each part of the scaled
setup, measured one conversation at a time (no queueing, so nothing but the work
itself is counted). The capacity model in docs/scaling.md is built on these.

1. Starts the scaled setup at scale 1 (ops/scaled_scratch.py: one Rasa server, one
   action server and one web process behind nginx, on a scratch PostgreSQL
   database, this machine's Redis and RabbitMQ), warms it up, then measures an
   idle window as long as the measured one, to subtract the background (the
   sweeper, the live feed's safety reads).
2. Runs C complete conversations one after the other through nginx's Rasa port
   (REST channel): greeting, an FAQ, a signed-in order look-up (custom actions on
   PostgreSQL), goodbye; an agent's console keeps its live event stream open all
   the while (through nginx), as on a working day, so the live feed's reads, woken
   by each event Rasa publishes, are counted too.
3. Per customer message: CPU seconds of each process (psutil, ops/process_cpu.py),
   PostgreSQL transactions and rows read and written (pg_stat_database of the
   scratch database), Redis commands (INFO), and events Rasa published to RabbitMQ
   (the `kefu.conversation_log` queue's growth, passively declared), with the
   memory (RSS) of each server process at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Dict, List, Tuple

import aio_pika
import psutil
import redis
import requests
from sqlalchemy import create_engine, text

from helpdesk.agents import AgentAccounts
from helpdesk.config import Settings
from helpdesk.identity import issue_customer_token
from ops.chat_client import RestChat
from ops.process_cpu import cpu_between, snapshot
from ops.scaled import CONVERSATION_LOG_QUEUE, DEFAULT_AMQP_URL, DEFAULT_REDIS_URL
from ops.scaled_scratch import scratch_scaled_stack
from ops.training import ensure_model

SCRIPT = [
    "hi",
    "how long does shipping take?",
    "where is my order?",
    "BW-104119",
    "what is your return policy?",
    "thanks, bye",
]
PG_COUNTERS = ("xact_commit", "tup_returned", "tup_fetched", "tup_inserted", "tup_updated")


def pg_counters(database_url: str) -> Dict[str, int]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text(
                    f"SELECT {', '.join(PG_COUNTERS)} FROM pg_stat_database "
                    "WHERE datname = current_database()"
                )
            ).one()
        return {name: int(value) for name, value in zip(PG_COUNTERS, row, strict=True)}
    finally:
        engine.dispose()


def redis_commands() -> int:
    return int(redis.Redis.from_url(DEFAULT_REDIS_URL).info("stats")["total_commands_processed"])


def broker_backlog() -> int:
    async def count() -> int:
        connection = await aio_pika.connect(DEFAULT_AMQP_URL, timeout=5)
        async with connection:
            channel = await connection.channel()
            queue = await channel.declare_queue(CONVERSATION_LOG_QUEUE, passive=True)
            return int(queue.declaration_result.message_count or 0)

    return asyncio.run(count())


def readings(stack, database_url: str) -> Tuple[Dict[str, int], int, int, object]:  # type: ignore[no-untyped-def]
    roots = {p.name: p.popen.pid for p in stack.processes}
    return pg_counters(database_url), redis_commands(), broker_backlog(), snapshot(roots)


AGENT = ("costs.bench@brightwave.example", "Kim Costs", "bench password 1")


def open_console(web_url: str, stop: threading.Event) -> threading.Thread:
    """An agent signed in with the console's event stream open until `stop`."""
    session = requests.Session()
    session.post(
        f"{web_url}/api/agent/login", json={"email": AGENT[0], "password": AGENT[2]}, timeout=10
    ).raise_for_status()

    def listen() -> None:
        url = f"{web_url}/api/events/stream"
        try:
            with session.get(url, stream=True, timeout=(5, 60)) as response:
                for _ in response.iter_lines():
                    if stop.is_set():
                        return
        except requests.RequestException:
            if not stop.is_set():
                raise  # the console lost its stream while being measured
            # else: the stack stopped before the next heartbeat let it end

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    return thread


def converse(rasa_url: str, conversations: int) -> int:
    """Runs the scripted conversations; returns how many messages were answered."""
    secret = Settings.from_env().customer_token_secret
    answered = 0
    for _ in range(conversations):
        token = issue_customer_token("C1001", secret)
        chat = RestChat(rasa_url, metadata={"customer_token": token})
        for message in SCRIPT:
            if chat.say(message):
                answered += 1
    return answered


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(prog="./kefu bench costs", description=__doc__)
    parser.add_argument("--conversations", type=int, default=20)
    args = parser.parse_args(argv)
    model = ensure_model()
    with (
        tempfile.TemporaryDirectory(prefix="kefu-costs-") as work,
        scratch_scaled_stack(
            model, Path(work), scale=1, prefix="kefu_bench", prepare=_add_agent
        ) as stack,
    ):
        database_url = stack.config.database_url
        stop = threading.Event()
        console = open_console(stack.config.web_url, stop)
        converse(stack.config.rasa_url, 2)  # warm-up: models, caches, connections
        time.sleep(2)
        started = time.monotonic()
        first = readings(stack, database_url)
        answered = converse(stack.config.rasa_url, args.conversations)
        time.sleep(1)  # the broker's last events
        second = readings(stack, database_url)
        window = time.monotonic() - started
        time.sleep(window)  # as long again, idle: the background to subtract
        third = readings(stack, database_url)
        rss = {
            p.name: psutil.Process(p.popen.pid).memory_info().rss / 2**20 for p in stack.processes
        }
        stop.set()
        console.join(10)
    messages = args.conversations * len(SCRIPT)
    busy = _costs(first, second)
    idle = _costs(second, third)
    print(
        f"\n{messages} messages in {args.conversations} conversations, one at a time, "
        f"{window:.1f} s; {answered} answered"
    )
    print(f"{'per customer message':<34}{'measured':>10}{'idle share':>12}{'net':>10}")
    for name in sorted(busy):
        net = (busy[name] - idle.get(name, 0.0)) / messages
        print(
            f"{name:<34}{busy[name] / messages:>10.4f}{idle.get(name, 0.0) / messages:>12.4f}{net:>10.4f}"
        )
    print(
        "\nmemory (RSS, MiB): "
        + ", ".join(f"{name} {mib:.0f}" for name, mib in sorted(rss.items()))
    )
    return 0 if answered == messages else 1


def _add_agent(db) -> None:  # type: ignore[no-untyped-def]
    AgentAccounts(db).create_agent(*AGENT)


def _costs(before, after) -> Dict[str, float]:  # type: ignore[no-untyped-def]
    (pg0, redis0, broker0, cpu0), (pg1, redis1, broker1, cpu1) = before, after
    used, _, _ = cpu_between(cpu0, cpu1)
    costs = {f"CPU s: {group}": seconds for group, seconds in used.items()}
    costs.update({f"PostgreSQL {name}": float(pg1[name] - pg0[name]) for name in PG_COUNTERS})
    costs["Redis commands"] = float(redis1 - redis0)
    costs["RabbitMQ events published"] = float(broker1 - broker0)
    return costs


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
