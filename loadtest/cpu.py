"""Where the machine's CPU goes during `make loadtest`'s steady load, read from Linux's /proc.

Requests per second and latencies say whether the target is met, but on a saturated, shared machine they
move by 10–20 % from run to run. The CPU each part used is steadier and says where to work: the web
server (`imo serve` and its workers), PostgreSQL, the load tool, anything else, and how much stayed idle.
The server's CPU per request is the figure to compare between commits; `python_loop_s` (a fixed pure
Python loop timed before the run) tells how fast the machine was.

Processes are grouped by ancestry: the server's tree, then the rest of this program's tree (locust), then
PostgreSQL's processes by name. A process that ends inside the window leaves /proc, and its time moves to
its parent's "children" time (fields 16–17 of proc(5)) when the parent reaps it: database sessions come
and go every minute (CONN_MAX_AGE), so that time is counted in the group of the ancestor that reaped
it (PostgreSQL's main process), minus what the ended process had used before the window. Time the kernel
spends outside any process (the loopback network) is in no group. Without /proc (not Linux) there are no
figures.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROC = Path("/proc")
SERVER, DATABASE, LOAD_TOOL, OTHER = "server", "database", "load_tool", "other"


@dataclass(frozen=True)
class Process:
    pid: int
    parent: int
    name: str
    ticks: int  # user + system time, in clock ticks
    children_ticks: int = 0  # of its children that ended and were reaped


@dataclass(frozen=True)
class Snapshot:
    processes: dict[int, Process]
    busy_ticks: int  # the whole machine's, all CPUs
    idle_ticks: int
    at: float  # time.monotonic()


def parse_stat(line: str) -> Process:
    """One /proc/<pid>/stat line; the name may hold spaces and parentheses, so split at the last ')'."""
    head, _, rest = line.rpartition(")")
    pid, _, name = head.partition(" (")
    fields = rest.split()
    # fields[0] is the state (field 3 of proc(5)); the parent is field 4, utime and stime fields 14 and 15,
    # cutime and cstime 16 and 17.
    return Process(
        int(pid), int(fields[1]), name, int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])
    )


def read_processes(proc: Path = PROC) -> dict[int, Process]:
    processes = {}
    for entry in proc.iterdir():
        if not entry.name.isdecimal():
            continue
        try:
            process = parse_stat((entry / "stat").read_text(encoding="utf-8", errors="replace"))
        except (OSError, ValueError, IndexError):
            continue  # ended while being read
        processes[process.pid] = process
    return processes


def machine_ticks(proc: Path = PROC) -> tuple[int, int]:
    """(busy, idle) clock ticks of all CPUs since boot, from the first line of /proc/stat."""
    values = [int(v) for v in (proc / "stat").read_text(encoding="utf-8").splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + waiting for I/O
    return sum(values[:8]) - idle, idle


def snapshot(proc: Path = PROC) -> Snapshot:
    busy, idle = machine_ticks(proc)
    return Snapshot(read_processes(proc), busy, idle, time.monotonic())


def group_of(pid: int, processes: dict[int, Process], *, server: int, runner: int) -> str:
    seen = set()
    current = pid
    while current in processes and current not in seen:
        if current == server:
            return SERVER
        if current == runner:
            return LOAD_TOOL
        seen.add(current)
        current = processes[current].parent
    return DATABASE if processes[pid].name.startswith("postgres") else OTHER


def _surviving_ancestor(pid: int, processes: dict[int, Process], survivors: set[int]) -> int | None:
    """The nearest ancestor still running at the end: the process whose reaped time holds `pid`'s."""
    seen = {pid}
    current = processes[pid].parent
    while current in processes and current not in seen:
        if current in survivors:
            return current
        seen.add(current)
        current = processes[current].parent
    return None


def usage(before: Snapshot, after: Snapshot, *, server: int, runner: int, ticks_per_s: int) -> dict[str, Any]:
    """Cores each group used between the snapshots, and the machine's idle share."""
    seconds = after.at - before.at
    used = dict.fromkeys((SERVER, DATABASE, LOAD_TOOL, OTHER), 0)
    survivors = set()
    for pid, process in after.processes.items():
        earlier = before.processes.get(pid)
        # A pid reused by a new process, or a process started inside the window: all its time is new.
        if earlier is not None and earlier.name == process.name:
            survivors.add(pid)
        else:
            earlier = Process(pid, process.parent, process.name, 0, 0)
        own = process.ticks - earlier.ticks
        reaped = process.children_ticks - earlier.children_ticks
        used[group_of(pid, after.processes, server=server, runner=runner)] += own + reaped
    for pid, process in before.processes.items():
        if pid not in survivors:
            # Ended: the reaped time of whoever waited for it now holds all of its time, and that of the
            # children it had reaped itself (a restarted PostgreSQL's main process brings its sessions'
            # whole lifetime along), so take off what it had used before the window.
            reaper = _surviving_ancestor(pid, before.processes, survivors)
            if reaper is None:
                group = group_of(pid, before.processes, server=server, runner=runner)
            else:
                group = group_of(reaper, after.processes, server=server, runner=runner)
            used[group] -= process.ticks + process.children_ticks
    busy = after.busy_ticks - before.busy_ticks
    idle = after.idle_ticks - before.idle_ticks
    return {
        "window_s": round(seconds, 1),
        "cores": {group: round(max(ticks, 0) / ticks_per_s / seconds, 2) for group, ticks in used.items()},
        "idle_share": round(idle / (busy + idle), 3) if busy + idle else None,
    }


class SteadyWindow:
    """Snapshots at the start and near the end of the steady load, taken by a thread while locust runs."""

    def __init__(self, *, server: int, starts_in: float, lasts: float) -> None:
        self.server, self.runner = server, os.getpid()
        # A margin at both ends: the ramp's last sign-ins, and locust stopping its users.
        margin = min(10.0, lasts * 0.1)
        self.starts_in, self.lasts = starts_in + margin, max(lasts - 2 * margin, 1.0)
        self.result: dict[str, Any] | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._measure, daemon=True)

    def start(self) -> None:
        if PROC.is_dir():
            self._thread.start()

    def stop(self) -> dict[str, Any] | None:
        """The figures, or None when the run ended before the window did (or there is no /proc)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        return self.result

    def _measure(self) -> None:
        if self._stop.wait(self.starts_in):
            return
        before = snapshot()
        if self._stop.wait(self.lasts):
            return
        after = snapshot()
        self.result = usage(
            before, after, server=self.server, runner=self.runner, ticks_per_s=os.sysconf("SC_CLK_TCK")
        )


def python_loop_seconds(steps: int = 5_000_000, runs: int = 3) -> float:
    """The best of `runs` timings of a fixed pure-Python loop: how fast this machine runs Python now."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        total = 0
        for step in range(steps):
            total += step
        best = min(best, time.perf_counter() - started)
    return round(best, 3)
