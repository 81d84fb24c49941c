"""What `./kefu bench load` prints: one run's figures (`Run`), its table, and the
comparison between scales with what the CPU figures say when 2 Rasa processes give
less than 1.5x (bench/load.py measures; this module only reports)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Tuple

# Above this much CPU (% of a core) outside the benchmark, a table says so.
SHARED_WARNING_PERCENT = 20


@dataclass
class Run:
    scale: int  # Rasa processes
    users: int
    window_s: float
    actions: int = 0  # action servers
    web: int = 0  # web processes
    conversations: int = 0
    latencies_ms: List[float] = field(default_factory=list)
    sent: int = 0
    errors: int = 0
    error_kinds: Counter = field(default_factory=Counter)
    lost: List[str] = field(default_factory=list)
    duplicated: List[str] = field(default_factory=list)
    trackers: int = 0
    cpu_s: Dict[str, float] = field(default_factory=dict)
    busy_s: float = 0.0
    idle_s: float = 0.0
    steal_s: float = 0.0
    server_errors: List[str] = field(default_factory=list)

    @property
    def conversations_per_s(self) -> float:
        return self.conversations / self.window_s if self.window_s else 0.0

    @property
    def messages_per_s(self) -> float:
        return len(self.latencies_ms) / self.window_s if self.window_s else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]

    def core_percent(self, seconds: float) -> float:
        return 100 * seconds / self.window_s if self.window_s else 0.0


def table(run: Run, cores: int) -> List[str]:
    kinds = ", ".join(f"{n} x {kind}" for kind, n in run.error_kinds.most_common(3))
    lines = [
        f"Scale {run.scale}: {run.scale} Rasa, {run.actions or run.scale} action and "
        f"{run.web or run.scale} web process(es) behind nginx; {run.users} Locust users; "
        f"window {run.window_s:.1f} s",
        f"  conversations completed   {run.conversations:6d}   {run.conversations_per_s:7.2f} /s",
        f"  messages answered         {len(run.latencies_ms):6d}   {run.messages_per_s:7.2f} /s",
        f"  reply latency             p50 {run.percentile(0.5):.0f} ms   "
        f"p95 {run.percentile(0.95):.0f} ms   max {max(run.latencies_ms, default=float('nan')):.0f} ms",
        f"  errors                    {run.errors} of {run.sent} messages sent in the whole run"
        + (f" ({kinds})" if kinds else ""),
        f"  lost / duplicated         {len(run.lost)} / {len(run.duplicated)}   "
        f"({run.sent} messages checked in {run.trackers} trackers)",
        f"  server errors logged      {len(run.server_errors)}",
        f"  CPU in the window             {'CPU s':>6s} {'% of a core':>12s} {'ms/conversation':>16s}",
    ]
    named = sorted(run.cpu_s, key=lambda name: (_order(name), name))
    for name in [*named, "other (not this benchmark)"]:
        # (sampled a moment apart from the machine's figures: never below zero)
        seconds = run.cpu_s.get(name, max(0.0, run.busy_s - sum(run.cpu_s.values())))
        per = 1000 * seconds / run.conversations if run.conversations else float("nan")
        lines.append(f"    {name:27s}{seconds:6.1f} {run.core_percent(seconds):11.0f}% {per:16.0f}")
    lines.append(
        f"    {'machine busy':27s}{run.busy_s:6.1f} {run.core_percent(run.busy_s):11.0f}%"
        f"   of {100 * cores} %; idle {run.core_percent(run.idle_s):.0f} %, "
        f"stolen by the hypervisor {run.core_percent(run.steal_s):.0f} %"
    )
    shared = run.core_percent(max(0.0, run.busy_s - sum(run.cpu_s.values())))
    if shared > SHARED_WARNING_PERCENT:
        lines.append(
            f"  ! the machine was shared: {shared:.0f} % of a core went to processes outside "
            "the benchmark, so these figures are lower than the setup can do"
        )
    lines.extend(f"  ! {line}" for line in run.server_errors[:5])
    return lines


def _order(name: str) -> int:
    for rank, prefix in enumerate(("rasa-", "actions-", "web-", "nginx", "locust")):
        if name.startswith(prefix):
            return rank
    return 9


def comparison(runs: List[Run], cores: int) -> List[str]:
    """The throughput of each scale against one Rasa process, and what the CPU
    figures say about the limit."""
    base = runs[0]
    lines = []
    for run in runs[1:]:
        ratio = (
            run.conversations_per_s / base.conversations_per_s if base.conversations_per_s else 0
        )
        lines.append(
            f"Throughput at {run.scale} Rasa processes vs {base.scale}: {ratio:.2f}x "
            f"({run.conversations_per_s:.2f} vs {base.conversations_per_s:.2f} conversations/s)"
        )
        if ratio >= 1.5:
            continue
        lines += cpu_explanation(base, run, cores)
    return lines


def cost_changes(base: Run, run: Run) -> List[Tuple[str, float]]:
    """How the CPU each conversation costs changed, by kind of process (all Rasa
    processes together, all action servers, ...), largest change first."""

    def per_kind(r: Run) -> Counter:
        kinds: Counter = Counter()
        for name, seconds in r.cpu_s.items():
            kinds[name.split("-")[0]] += 1000 * seconds / max(r.conversations, 1)
        return kinds

    before, after = per_kind(base), per_kind(run)
    changes = [(kind, after[kind] - before[kind]) for kind in set(before) | set(after)]
    return sorted(changes, key=lambda change: -abs(change[1]))


def cpu_explanation(base: Run, run: Run, cores: int) -> List[str]:
    """Why the cores allow no more: what one conversation costs in CPU (all the
    benchmark's processes, at the base scale), and what the cores had left for it
    during the run beside whatever else the machine ran."""

    def rasa(r: Run) -> float:
        return sum(seconds for name, seconds in r.cpu_s.items() if name.startswith("rasa-"))

    def own(r: Run) -> float:
        return sum(r.cpu_s.values())

    cost = own(base) / max(base.conversations, 1)
    cost_here = own(run) / max(run.conversations, 1)
    other = max(0.0, run.busy_s - own(run))
    # the cores left for the benchmark: not what others ran, nor what the host took
    left = max(0.0, cores * run.window_s - other - run.steal_s) / run.window_s
    rate = base.conversations_per_s or float("nan")
    each = ", ".join(
        f"{name} {run.core_percent(seconds):.0f} %"
        for name, seconds in sorted(run.cpu_s.items())
        if name.startswith("rasa-")
    )
    idle = run.core_percent(run.idle_s)
    lines = [
        "  Below 1.5x. What the CPU figures say:",
        f"  - at scale {base.scale} a conversation cost {1000 * cost:.0f} ms of CPU over the "
        f"benchmark's processes: {1000 * rasa(base) / max(base.conversations, 1):.0f} ms in Rasa,",
        "    the rest in the action and web servers, nginx, Locust, PostgreSQL, Redis, RabbitMQ;",
        f"    Rasa used {base.core_percent(rasa(base)):.0f} % of its one core, the machine "
        f"{base.core_percent(base.busy_s):.0f} % of {100 * cores} %;",
        f"  - during the scale-{run.scale} run, processes outside the benchmark took "
        f"{run.core_percent(other):.0f} %; the machine was {run.core_percent(run.busy_s):.0f} % "
        f"busy, {idle:.0f} % idle, {run.core_percent(run.steal_s):.0f} % stolen by the "
        f"hypervisor; the Rasa processes got {each};",
        f"  - {cores} cores minus those had room for at most {left / cost:.2f} conversations/s at "
        f"the scale-{base.scale} cost ({left / cost / rate:.2f}x),",
        f"    and {left / cost_here:.2f}/s ({left / cost_here / rate:.2f}x) at the scale-"
        f"{run.scale} cost of {1000 * cost_here:.0f} ms (more processes to feed).",
    ]
    lines.append(
        f"  - per conversation, scale {run.scale} against scale {base.scale} (ms): "
        + ", ".join(f"{kind} {change:+.0f}" for kind, change in cost_changes(base, run))
    )
    if idle < 10:
        lines.append(
            f"  The cores were full (idle {idle:.0f} %): the {run.scale}-process figure is what "
            f"{cores} cores give once Locust, the databases, the broker and the other servers "
            "have had theirs."
        )
    else:
        lines.append(f"  The cores were not full (idle {idle:.0f} %): the limit was not the CPU.")
    return lines
