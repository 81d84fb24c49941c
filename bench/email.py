"""`./kefu bench email`: how fast email goes out and comes in.

1. Starts the web app alone as a real process (uvicorn; ticket comments need no
   Rasa) on a scratch SQLite database with the demo data, an agent and 2 x N
   tickets with a contact email, all assigned to the agent (PATCH /api/tickets).
   Its mail server is a MailCatcher (ops/mail_catcher.py, a real SMTP server) the
   benchmark runs; Kefu's own SMTP listener runs on another free port. Loopback only.
2. Agent reply -> accepted by SMTP: from just before POST /api/tickets/{ref}/comments
   is sent to the MailCatcher's `received_at` for that ticket's message (matched
   by its X-Kefu-Ticket header); N one at a time, then N in bursts sent at once.
3. Customer reply -> in the console: from just before the SMTP connection to Kefu's
   listener opens (the reply addressed to the email's Reply-To) until the console's
   live stream (GET /api/events/stream) carries the `ticket` event for it; also
   until the listener answered 250, which it does once the comment is stored.
   N one at a time (a short random pause between them), then N in bursts at once.
   Afterwards each ticket's last comment is checked through GET /api/tickets/{ref}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import smtplib
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import httpx

from bench.handoff import summary
from helpdesk.agents import AgentAccounts
from helpdesk.records import NewTicket
from helpdesk.sql_records import SqlCustomerRecords
from ops.mail_catcher import CaughtMail, MailCatcher
from ops.scratch_stack import demo_database, scratch_config
from ops.servers import Stack, free_ports
from webapp.ticket_feed import TicketEventFeed

AGENT = ("mail.bench@brightwave.example", "Robin Mail", "bench password 1")
WAIT_S = 20.0  # the longest any one batch may take to arrive before it counts as lost


class WebAppAlone(Stack):
    """Only the web app of the stack (ops/servers.py): its Rasa address is a free
    port nothing listens on, which ticket comments and email never need."""

    def commands(self) -> Dict[str, List[str]]:
        return {"web": super().commands()["web"]}

    def wait_ready(self, timeout: float, only: Optional[tuple] = None) -> None:
        super().wait_ready(timeout, only=("web",))


class ConsoleStream:
    """The console's live stream, read on its own thread and event loop: when each
    ticket's `ticket` event arrived (time.time(), the clock the sends use)."""

    def __init__(self, base: str, cookies: Dict[str, str]) -> None:
        self.base, self.cookies = base, cookies
        self.arrived: Dict[str, float] = {}
        self.error: Optional[BaseException] = None
        self._changed = threading.Condition()
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._task: Optional[asyncio.Task] = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ConsoleStream:
        self._thread.start()
        if not self._ready.wait(15) or self.error is not None:
            raise RuntimeError(f"the console's event stream did not open: {self.error}")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._loop.call_soon_threadsafe(self._task.cancel)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._task = self._loop.create_task(self._read())
        try:
            self._loop.run_until_complete(self._task)
        except asyncio.CancelledError:
            pass
        except Exception as error:  # reported by __enter__ or as lost events
            self.error = error
            self._ready.set()
        finally:
            self._loop.close()

    async def _read(self) -> None:
        timeout = httpx.Timeout(10.0, read=None)
        client = httpx.AsyncClient(base_url=self.base, cookies=self.cookies, timeout=timeout)
        async with client, client.stream("GET", "/api/events/stream") as response:
            response.raise_for_status()
            kind = ""
            async for line in response.aiter_lines():
                if line.startswith("event:"):
                    kind = line[len("event:") :].strip()
                elif line.startswith("data:") and kind == "ticket":
                    ref = json.loads(line[len("data:") :])["ticket_ref"]
                    with self._changed:
                        self.arrived.setdefault(ref, time.time())
                        self._changed.notify_all()
                elif not line:
                    if kind == "ready":
                        self._ready.set()
                    kind = ""

    def wait_for(self, refs: Sequence[str], timeout: float = WAIT_S) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not all(r in self.arrived for r in refs) and time.monotonic() < deadline:
                self._changed.wait(max(0.0, deadline - time.monotonic()))


def prepare(work: Path, count: int) -> Tuple[str, List[str]]:
    """A scratch database with the demo data, the agent and `count` tickets."""
    db = demo_database(work / "kefu.db")
    AgentAccounts(db).create_agent(*AGENT)
    records = SqlCustomerRecords(db)
    refs = [
        records.create_ticket(
            NewTicket(
                category="faulty_product",
                subject=f"Bench ticket {n}",
                description="The picture flickers.",
                urgency="normal",
                priority=1,
                contact_email=f"bench.customer{n}@example.com",
            )
        ).ref
        for n in range(count)
    ]
    db.dispose()
    return db.url, refs


class MailBench:
    """The measurements, against the running web app, its listener and the catcher."""

    def __init__(self, api: httpx.Client, catcher: MailCatcher, inbound_port: int) -> None:
        self.api, self.catcher, self.inbound_port = api, catcher, inbound_port
        self.sent: Dict[str, CaughtMail] = {}  # ticket ref -> the email Kefu sent

    # --- agent reply -> accepted by SMTP ------------------------------------------
    def _answer(self, ref: str) -> Tuple[float, float]:
        """Posts an agent's answer; (moment sent, ms until the API answered)."""
        started, clock = time.time(), time.perf_counter()
        response = self.api.post(
            f"/api/tickets/{ref}/comments", json={"text": f"Please try another cable ({ref})."}
        )
        response.raise_for_status()
        return started, (time.perf_counter() - clock) * 1000

    def _collect(self, expected: int) -> None:
        try:
            mails = self.catcher.wait_for(expected, timeout=WAIT_S)
        except TimeoutError:
            mails = self.catcher.mails
        for mail in mails:
            self.sent.setdefault(str(mail.message["X-Kefu-Ticket"]), mail)

    def outbound(self, refs: Sequence[str], burst: int) -> Tuple[List[float], List[float]]:
        """Delays (ms) until the mail server took each answer, and the API's times."""
        started: Dict[str, float] = {}
        api_ms: List[float] = []
        with ThreadPoolExecutor(burst) as pool:
            for i in range(0, len(refs), burst):
                batch = refs[i : i + burst]
                for ref, (at, ms) in zip(batch, pool.map(self._answer, batch), strict=True):
                    started[ref] = at
                    api_ms.append(ms)
                self._collect(len(self.sent) + len(batch))
        delays = [
            (self.sent[r].received_at - t) * 1000 for r, t in started.items() if r in self.sent
        ]
        return delays, api_ms

    # --- customer reply -> in the console -----------------------------------------
    def reply(self, ref: str) -> Tuple[float, float]:
        """The customer answers the email by SMTP; (moment started, moment accepted)."""
        caught = self.sent[ref]
        sent = caught.message
        mail = EmailMessage()
        mail["From"] = f"Bench Customer <{caught.recipients[0]}>"
        mail["To"] = sent["Reply-To"]
        mail["Subject"] = "Re: " + str(sent["Subject"])
        mail["Message-ID"] = f"<{time.time_ns()}.{ref}@example.com>"
        mail["In-Reply-To"] = sent["Message-ID"]
        mail.set_content(f"That fixed it, thank you! ({ref})")
        started = time.time()
        with smtplib.SMTP("127.0.0.1", self.inbound_port, timeout=10) as client:
            client.send_message(mail)
        return started, time.time()

    def inbound(
        self, stream: ConsoleStream, refs: Sequence[str], burst: int, pause: float
    ) -> Tuple[List[float], List[float]]:
        """Delays (ms) until the listener's 250 and until the console's stream."""
        started: Dict[str, float] = {}
        accepted_ms: List[float] = []
        period = TicketEventFeed.every_seconds
        with ThreadPoolExecutor(burst) as pool:
            for i in range(0, len(refs), burst):
                # Each burst on its own, starting at a random moment of the stream's
                # polling period: right after an arrival it would always wait a
                # whole period. One at a time, the short pauses sample it evenly.
                if burst > 1 or i == 0:
                    time.sleep(random.uniform(0, period))
                elif pause:
                    time.sleep(random.uniform(0.5 * pause, 1.5 * pause))
                batch = [r for r in refs[i : i + burst] if r in self.sent]
                for ref, (at, done) in zip(batch, pool.map(self.reply, batch), strict=True):
                    started[ref] = at
                    accepted_ms.append((done - at) * 1000)
                if burst > 1:
                    stream.wait_for(batch)
        stream.wait_for(list(started))
        shown = [(stream.arrived[r] - t) * 1000 for r, t in started.items() if r in stream.arrived]
        return accepted_ms, shown

    def filed_as_customer_email(self, refs: Sequence[str]) -> int:
        """How many tickets' last comment is the customer's, by email (GET /api/tickets)."""
        count = 0
        for ref in refs:
            last = self.api.get(f"/api/tickets/{ref}").json()["comments"][-1]
            count += last["author_type"] == "customer" and last["channel"] == "email"
        return count


def warm_up(bench: MailBench, stream: ConsoleStream, ref: str) -> None:
    """A reply or two, not counted, until one shows on the stream: the stream's
    first read of ticket events only sets where it starts."""
    for _ in range(3):
        time.sleep(0.5)
        bench.reply(ref)
        stream.wait_for([ref], timeout=5)
        if ref in stream.arrived:
            break
    else:
        raise RuntimeError("no reply by email reached the console's stream")
    stream.arrived.clear()


def line(label: str, values: List[float], expected: int) -> str:
    lost = f"   LOST {expected - len(values)}" if len(values) < expected else ""
    return f"  {label:34} {summary(values) if values else '(none arrived)'}{lost}"


def measure(
    bench: MailBench, stream_base: str, refs: Sequence[str], args: argparse.Namespace
) -> Dict[str, list]:
    """Every figure: refs[0] warms both ways up (not counted), then half of the
    rest one at a time and half in bursts."""
    n, burst = args.tickets, args.burst
    warm, one_by_one, at_once = refs[0], refs[1 : n + 1], refs[n + 1 :]
    print(f"[bench] {2 * n} agent replies, one at a time then {burst} at once...", flush=True)
    bench.outbound([warm], 1)
    figures: Dict[str, list] = {}
    figures["out_one"], figures["api_one"] = bench.outbound(one_by_one, 1)
    figures["out_many"], figures["api_many"] = bench.outbound(at_once, burst)
    with ConsoleStream(stream_base, dict(bench.api.cookies)) as stream:
        print(f"[bench] {2 * n} customer replies by SMTP...", flush=True)
        warm_up(bench, stream, warm)
        figures["smtp_one"], figures["in_one"] = bench.inbound(stream, one_by_one, 1, args.pause)
        figures["smtp_many"], figures["in_many"] = bench.inbound(stream, at_once, burst, 0.0)
    figures["filed"] = [bench.filed_as_customer_email([*one_by_one, *at_once])]
    return figures


def run(args: argparse.Namespace) -> Dict[str, list]:
    """The web app alone with its mail server and listener, then the figures;
    everything stopped and removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="kefu-bench-email-") as tmp:
        work = Path(tmp)
        print(f"[bench] preparing a database with {2 * args.tickets + 1} tickets...", flush=True)
        database_url, refs = prepare(work, 2 * args.tickets + 1)
        (inbound_port,) = free_ports(1)
        with MailCatcher() as catcher:
            config = scratch_config(
                work,
                work / "no-model-needed.tar.gz",
                database_url,
                extra_env={
                    "KEFU_SMTP_HOST": "127.0.0.1",
                    "KEFU_SMTP_PORT": str(catcher.port),
                    "KEFU_SMTP_SECURITY": "none",
                    "KEFU_INBOUND_SMTP_PORT": str(inbound_port),
                },
            )
            print("[bench] starting the web app...", flush=True)
            with WebAppAlone(config), httpx.Client(base_url=config.web_url, timeout=30) as api:
                login = api.post("/api/agent/login", json={"email": AGENT[0], "password": AGENT[2]})
                login.raise_for_status()
                agent_id = login.json()["agent"]["id"]
                for ref in refs:  # so a reply is announced to this agent's console
                    assign = api.patch(f"/api/tickets/{ref}", json={"assignee_id": agent_id})
                    assign.raise_for_status()
                return measure(MailBench(api, catcher, inbound_port), config.web_url, refs, args)


def report(figures: Dict[str, list], args: argparse.Namespace, seconds: float) -> str:
    n, burst, f = args.tickets, args.burst, figures
    return "\n".join(
        [
            "",
            f"Email benchmark — {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} cores, "
            f"{seconds:.0f} s in all, loopback only:",
            "the web app alone (uvicorn, SQLite with the demo data), a MailCatcher as the",
            f"company's mail server, Kefu's own SMTP listener; N = {n} each way and mode.",
            "",
            "Agent reply -> accepted by SMTP (POST /api/tickets/{ref}/comments sent ->",
            "the MailCatcher's received_at for that ticket's message, by X-Kefu-Ticket):",
            line("one at a time", f["out_one"], n),
            line(f"{burst} at once", f["out_many"], n),
            line("  the POST's answer, one at a time", f["api_one"], n),
            line(f"  the POST's answer, {burst} at once", f["api_many"], n),
            "",
            "Customer reply by SMTP -> in the console (SMTP connection to Kefu opened ->",
            "the `ticket` event on GET /api/events/stream, as the console receives it):",
            line("one at a time", f["in_one"], n),
            line(f"{burst} at once", f["in_many"], n),
            "  ... and until Kefu's listener answered 250 (the comment is stored by then):",
            line("one at a time", f["smtp_one"], n),
            line(f"{burst} at once", f["smtp_many"], n),
            "",
            f"The stream looks for ticket events every {TicketEventFeed.every_seconds:g} s "
            "(webapp/ticket_feed.py): that, not",
            "the mail, is most of the delay to the console.",
            f"GET /api/tickets/{{ref}} afterwards: {f['filed'][0]} of {2 * n} tickets end with "
            "the customer's email.",
        ]
    )


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="./kefu bench email", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--tickets", type=int, default=100, help="replies timed each way and mode")
    parser.add_argument("--burst", type=int, default=10, help="replies sent at once")
    parser.add_argument(
        "--pause", type=float, default=0.1, help="mean seconds between one-at-a-time replies"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    figures = run(args)
    print(report(figures, args, time.monotonic() - started), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
