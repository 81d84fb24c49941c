"""`./kefu bench handoff`: how fast a person's reply reaches the customer, and how
fast the agents' API answers with a full queue.

1. Starts the real servers (demo data, an agent, support open around the clock).
2. Escalates 50 chats through Rasa's REST channel and has the agent claim them all,
   so the console works with 50 active escalated chats.
3. A customer opens the demo shop in headless Chromium and asks for a person; the
   agent claims the chat and sends replies one after another. For each reply the
   page records (MutationObserver, Date.now()) when the widget shows it; the delay
   is that moment minus the moment just before the agent's POST was sent.
4. Times the console's API calls (queue, one chat, reply, note, events, customer).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

import requests

from helpdesk.agents import AgentAccounts
from ops.always_open import always_open_knowledge_base
from ops.chat_client import RestChat
from ops.chromium import CHROMIUM_FLAGS, find_chromium
from ops.scratch_stack import demo_database, scratch_config
from ops.servers import Stack
from ops.training import ensure_model

AGENT = ("bench.agent@brightwave.example", "Robin Bench", "bench password 1")
# Records when each agent message appears in the widget, by its text.
WATCH_AGENT_MESSAGES = """
window.__shownAt = {};
new MutationObserver(function () {
  document.querySelectorAll('.kefu-msg.kefu-agent .kefu-bubble').forEach(function (node) {
    if (!(node.textContent in window.__shownAt)) window.__shownAt[node.textContent] = Date.now();
  });
}).observe(document.body, {childList: true, subtree: true});
"""


def percentile(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary(values: List[float]) -> str:
    return (
        f"p50 {percentile(values, 0.5):7.1f} ms   p95 {percentile(values, 0.95):7.1f} ms   "
        f"max {max(values):7.1f} ms   (n={len(values)})"
    )


class Console:
    """The agents' API as the console uses it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()
        response = self.http.post(
            f"{base}/api/agent/login", json={"email": AGENT[0], "password": AGENT[2]}
        )
        response.raise_for_status()

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        response = self.http.request(method, self.base + path, timeout=30, **kwargs)
        response.raise_for_status()
        return response

    def timed(self, method: str, path: str, **kwargs) -> float:
        started = time.perf_counter()
        self.call(method, path, **kwargs)
        return (time.perf_counter() - started) * 1000


def escalate_chats(rasa_url: str, count: int) -> List[str]:
    senders = []
    for _ in range(count):
        chat = RestChat(rasa_url, timeout=30)
        for text in ("hi", "I want to talk to a person"):
            chat.post(text)
        senders.append(chat.sender)
    return senders


def reply_delays(page, console: Console, handoff_id: int, replies: int) -> List[float]:
    delays = []
    for n in range(replies):
        text = f"Reply number {n} from the agent"
        sent_ms = time.time() * 1000
        console.call("POST", f"/api/handoffs/{handoff_id}/reply", json={"text": text})
        page.wait_for_function("t => t in window.__shownAt", arg=text, timeout=10_000)
        delays.append(page.evaluate("t => window.__shownAt[t]", text) - sent_ms)
    return delays


def api_latencies(console: Console, handoff_ids: List[int], rounds: int) -> Dict[str, List[float]]:
    # Catching up on the last 20 events, as a console does after a short outage.
    cursor = max(0, int(console.call("GET", "/api/events/cursor").json()["last_event_id"]) - 20)
    calls: Dict[str, Callable[[int], float]] = {
        "GET  /api/queue": lambda i: console.timed("GET", "/api/queue"),
        "GET  /api/handoffs/{id}": lambda i: console.timed(
            "GET", f"/api/handoffs/{handoff_ids[i % len(handoff_ids)]}"
        ),
        "GET  /api/events?after= (20 events)": lambda i: console.timed(
            "GET", f"/api/events?after={cursor}"
        ),
        "GET  /api/customers/{id}": lambda i: console.timed("GET", "/api/customers/C1001"),
        "POST /api/handoffs/{id}/reply": lambda i: console.timed(
            "POST",
            f"/api/handoffs/{handoff_ids[i % len(handoff_ids)]}/reply",
            json={"text": f"update {i}"},
        ),
        "POST /api/handoffs/{id}/notes": lambda i: console.timed(
            "POST",
            f"/api/handoffs/{handoff_ids[i % len(handoff_ids)]}/notes",
            json={"text": f"note {i}"},
        ),
    }
    return {name: [call(i) for i in range(rounds)] for name, call in calls.items()}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="./kefu bench handoff", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--replies", type=int, default=120, help="agent replies timed into the widget"
    )
    parser.add_argument(
        "--chats", type=int, default=50, help="active escalated chats in the console"
    )
    parser.add_argument("--rounds", type=int, default=100, help="calls timed per API endpoint")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="kefu-bench-handoff-") as tmp:
        work = Path(tmp)
        db = demo_database(work / "kefu.db")
        AgentAccounts(db).create_agent(*AGENT)
        db.dispose()
        config = scratch_config(
            work,
            ensure_model(),
            db.url,
            extra_env={"KEFU_KNOWLEDGE_BASE": str(always_open_knowledge_base(work / "kb"))},
        )
        with Stack(config), sync_playwright() as playwright:
            console = Console(config.web_url)
            print(f"[bench] escalating {args.chats} chats and claiming them...", flush=True)
            escalate_chats(config.rasa_url, args.chats)
            for chat in console.call("GET", "/api/queue").json():
                console.call("POST", f"/api/handoffs/{chat['id']}/claim")

            browser = playwright.chromium.launch(
                executable_path=find_chromium(), args=CHROMIUM_FLAGS
            )
            page = browser.new_page(base_url=config.web_url.replace("127.0.0.1", "localhost"))
            page.goto("/")
            page.evaluate(WATCH_AGENT_MESSAGES)
            page.get_by_role("button", name="Open chat").click()
            page.locator(".kefu-msg.kefu-bot").first.wait_for()
            box = page.get_by_label("Your message")
            box.fill("I want to talk to a person")
            box.press("Enter")
            page.get_by_text("in the queue").wait_for()
            waiting = [
                c for c in console.call("GET", "/api/queue").json() if c["status"] == "waiting"
            ]
            handoff_id = waiting[0]["id"]
            console.call("POST", f"/api/handoffs/{handoff_id}/claim")
            page.get_by_text("has joined the chat").wait_for()

            print(f"[bench] timing {args.replies} agent replies into the widget...", flush=True)
            delays = reply_delays(page, console, handoff_id, args.replies)
            browser.close()
            active = [
                c["id"] for c in console.call("GET", "/api/queue").json() if c["status"] == "active"
            ]
            print(f"[bench] timing the console API with {len(active)} active chats...", flush=True)
            latencies = api_latencies(console, active, args.rounds)

    print("\nAgent reply -> shown in the customer's widget (headless Chromium, socket.io):")
    print(f"  {summary(delays)}")
    print(f"\nConsole API with {len(active)} active escalated chats (sequential calls):")
    for name, values in latencies.items():
        print(f"  {name:38} {summary(values)}")
    print(
        f"\n  mean reply delay {statistics.mean(delays):.1f} ms; target p50 < 300 ms, p95 < 1000 ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
