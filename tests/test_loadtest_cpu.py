"""`make loadtest`'s CPU figures (loadtest/cpu.py) read from a made-up /proc: parsing, grouping by
ancestry and the cores each group used. No load is run here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from loadtest.cpu import (
    DATABASE,
    LOAD_TOOL,
    OTHER,
    SERVER,
    parse_stat,
    snapshot,
    usage,
)
from loadtest.run import RESULTS, cpu_line, results_path, with_cost_per_request


def _stat(pid: int, name: str, parent: int, utime: int, stime: int, reaped: int = 0) -> str:
    # proc(5): pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
    # utime stime cutime cstime …
    fields = f"{parent} {pid} {pid} 0 -1 4194560 100 0 0 0 {utime} {stime} {reaped} 0 20 0 1 0 50"
    return f"{pid} ({name}) S {fields}\n"


def _proc(root: Path, processes: list[tuple[int, ...] | tuple[Any, ...]], busy: int, idle: int) -> Path:
    for entry in root.iterdir():
        if entry.name.isdecimal():
            (entry / "stat").unlink()
            entry.rmdir()
    for pid, name, parent, utime, stime, *reaped in processes:
        (root / str(pid)).mkdir()
        (root / str(pid) / "stat").write_text(
            _stat(pid, name, parent, utime, stime, *reaped), encoding="utf-8"
        )
    # cpu user nice system idle iowait irq softirq steal guest guest_nice
    (root / "stat").write_text(
        f"cpu {busy} 0 0 {idle} 0 0 0 0 0 0\ncpu0 1 0 0 1 0 0 0 0 0 0\n", encoding="utf-8"
    )
    (root / "self").mkdir(exist_ok=True)  # not a pid: skipped
    return root


def _usage(tmp_path, monkeypatch, start, end, *, busy, idle, server, runner) -> dict[str, Any]:
    """The figures between a snapshot of `start` at 1000 s and one of `end` at 1010 s."""
    proc = _proc(tmp_path, start, busy=busy[0], idle=idle[0])
    monkeypatch.setattr("time.monotonic", lambda: 1000.0)
    before = snapshot(proc)
    _proc(proc, end, busy=busy[1], idle=idle[1])
    monkeypatch.setattr("time.monotonic", lambda: 1010.0)
    return usage(before, snapshot(proc), server=server, runner=runner, ticks_per_s=100)


def test_a_stat_line_with_spaces_and_parentheses_in_the_name():
    process = parse_stat(_stat(4242, "gunicorn: worker (imo)", 4000, 150, 50))
    assert (process.pid, process.parent, process.name, process.ticks) == (
        4242,
        4000,
        "gunicorn: worker (imo)",
        200,
    )


def test_cores_by_group_over_the_window(tmp_path, monkeypatch):
    runner, server = 100, 200
    start = [
        (1, "systemd", 0, 5, 5),
        (runner, "python", 1, 10, 0),
        (server, "python", runner, 20, 0),
        (201, "python", server, 1000, 0),  # a web worker
        (300, "locust", runner, 50, 0),
        (400, "postgres", 1, 10, 0, 1000),  # the main process; 10 s of sessions that ended before
        (401, "postgres", 400, 100, 0),  # a session
        (402, "postgres", 400, 300, 0),  # a session that ends inside the window
        (500, "bash", 1, 3, 0),
    ]
    end = [
        (1, "systemd", 0, 5, 5),
        (runner, "python", 1, 10, 0),
        (server, "python", runner, 20, 0),
        (201, "python", server, 1000 + 1500, 0),  # 15 s of CPU
        (202, "python", server, 300, 0),  # a worker started inside the window: all of it counts
        (300, "locust", runner, 50 + 100, 0),
        (400, "postgres", 1, 10, 0, 1000 + 300 + 200 + 50),  # 402 reaped (3 s before, 2 s in), one more
        (401, "postgres", 400, 100 + 400, 100),  # 5 s
        (500, "vim", 1, 1, 0),  # pid reused by another program: its own time only
    ]
    figures = _usage(
        tmp_path,
        monkeypatch,
        start,
        end,
        busy=(10_000, 12_400),
        idle=(5_000, 5_600),
        server=server,
        runner=runner,
    )
    assert figures["window_s"] == 10.0
    # the database: 5 s of session 401, 2 s of 402 inside the window, 0.5 s of a session that began and
    # ended inside it
    assert figures["cores"] == {SERVER: 1.8, DATABASE: 0.75, LOAD_TOOL: 0.1, OTHER: 0.0}
    assert figures["idle_share"] == 0.2  # 600 idle of 3,000 ticks
    with_cost = with_cost_per_request(figures, rps=90.0)
    assert with_cost["server_ms_per_request"] == 20.0
    line = cpu_line(with_cost, {"cpus": 2, "python_loop_s": 0.4})
    assert "server 1.8 (20.0 ms per request)" in line and "idle 20%" in line


def test_a_database_restarted_inside_the_window_counts_only_new_time(tmp_path, monkeypatch):
    runner, server = 100, 200
    start = [
        (1, "systemd", 0, 5, 0),
        (runner, "python", 1, 10, 0),
        (server, "python", runner, 20, 0),
        (400, "postgres", 1, 50, 0, 90_000),  # the main process: 15 min of sessions over its life
        (401, "postgres", 400, 100, 0),  # a session
    ]
    end = [
        # systemd reaped the old main process: its own time, its sessions' and 401's (1 s more inside)
        (1, "systemd", 0, 5, 0, 50 + 90_000 + 100 + 100),
        (runner, "python", 1, 10, 0),
        (server, "python", runner, 20, 0),
        (600, "postgres", 1, 20, 0, 30),  # the new main process and a session that ended
        (601, "postgres", 600, 250, 0),  # a session of the new server
    ]
    figures = _usage(
        tmp_path,
        monkeypatch,
        start,
        end,
        busy=(10_000, 12_000),
        idle=(5_000, 5_000),
        server=server,
        runner=runner,
    )
    # 1 s of the old session, 0.2 + 0.3 + 2.5 s of the new server; the old server's lifetime is no one's
    assert figures["cores"][OTHER] == 0.1  # systemd's reaped time: the old server's last second
    assert figures["cores"][DATABASE] == 0.3


def test_no_figures_without_a_window():
    assert with_cost_per_request(None, 90.0) is None
    assert "not measured" in cpu_line(None, {"cpus": 2, "python_loop_s": 0.4})


def test_a_restart_run_keeps_the_plain_runs_figures(tmp_path: Path) -> None:
    # Its requests fail during the outage by design: they must not replace the load target's figures.
    assert results_path(False, tmp_path) == RESULTS
    assert results_path(True, tmp_path) == tmp_path / "loadtest-restart.json"
