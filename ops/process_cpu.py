"""CPU seconds of processes, measured from outside them (psutil): each named
process with all its children, the shared services' processes found by name, and
the whole machine's busy and idle time. bench/load.py samples before and after its
measured window to say where the cores went.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Dict, Tuple

import psutil

# The shared services' processes, by name (psutil), and what the table calls them.
SERVICES = {
    "postgres": "PostgreSQL",
    "redis-server": "Redis",
    "beam.smp": "RabbitMQ",
    "erl_child_setup": "RabbitMQ",
    "epmd": "RabbitMQ",
}


@dataclass
class CpuSnapshot:
    wall: float
    per_process: Dict[str, Dict[int, float]]  # group -> pid -> user + system seconds
    machine: Any  # psutil.cpu_times() of the whole machine


def snapshot(roots: Dict[str, int]) -> CpuSnapshot:
    """CPU seconds so far of each named process with all its children, and of the
    shared services' processes by name."""
    groups: Dict[str, Dict[int, float]] = {}
    for name, pid in roots.items():
        try:
            root = psutil.Process(pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        for process in processes:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            groups.setdefault(name, {})[process.pid] = times.user + times.system
    for process in psutil.process_iter(["name"]):
        group = SERVICES.get(process.info["name"] or "")
        if group is None:
            continue
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        groups.setdefault(group, {})[process.pid] = times.user + times.system
    return CpuSnapshot(time.time(), groups, psutil.cpu_times())


def cpu_between(before: CpuSnapshot, after: CpuSnapshot) -> Tuple[Dict[str, float], float, float]:
    """(CPU seconds per group, machine busy seconds, machine idle seconds); a process
    that started in between counts from zero. Busy leaves out time stolen by the
    hypervisor (`steal_between`)."""
    used = {
        group: sum(t - before.per_process.get(group, {}).get(pid, 0.0) for pid, t in pids.items())
        for group, pids in after.per_process.items()
    }
    idle = (after.machine.idle + after.machine.iowait) - (
        before.machine.idle + before.machine.iowait
    )
    total = sum(after.machine) - sum(before.machine)
    # guest time is already in user time (Linux), so it is not counted twice
    total -= (after.machine.guest + after.machine.guest_nice) - (
        before.machine.guest + before.machine.guest_nice
    )
    # steal: time the hypervisor gave this machine's virtual CPUs to someone else
    steal = after.machine.steal - before.machine.steal
    return used, total - idle - steal, idle


def steal_between(before: CpuSnapshot, after: CpuSnapshot) -> float:
    """Seconds the hypervisor ran something else while this machine wanted its
    CPUs: on a shared host, the reason the same work costs more some minutes."""
    return after.machine.steal - before.machine.steal
