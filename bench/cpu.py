"""CPU accounting from /proc, so a noisy machine shows up in the report instead of hiding in it.

Requests/s depend on everything else the machine is doing; CPU time per request spent in the
gunicorn workers mostly does not, so both are reported.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")  # /proc reports CPU time in clock ticks


def _machine_busy() -> float:
    """CPU-seconds spent not idle, summed over all cores, since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / _TICK  # user..steal; guest time is already in user


def machine_busy_seconds() -> float:
    """CPU-seconds the whole machine has spent busy since boot (all cores)."""
    return _machine_busy()


def _process_cpu(pid: int) -> tuple[int, float]:
    """(parent pid, CPU-seconds) of one process."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # the command name may contain spaces
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK


def _children_cpu(parent: int) -> float:
    """CPU-seconds of the direct children of `parent` (gunicorn's workers)."""
    total = 0.0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                ppid, cpu = _process_cpu(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue  # the process went away meanwhile
            if ppid == parent:
                total += cpu
    return total


@dataclass(frozen=True)
class CpuSample:
    wall: float
    machine: float
    server: float
    generator: float

    @classmethod
    def take(cls, server_pid: int) -> CpuSample:
        return cls(time.perf_counter(), _machine_busy(), _children_cpu(server_pid), time.process_time())


@dataclass(frozen=True)
class CpuUsage:
    """CPU-seconds per wall second (1.0 = one core busy) between two samples."""

    server: float  # gunicorn workers
    generator: float  # the load generator (this process)
    rest: float  # everything else: the database server, other programs, the kernel
    server_seconds: float  # absolute, to divide by the number of requests

    @classmethod
    def between(cls, before: CpuSample, after: CpuSample) -> CpuUsage:
        wall = after.wall - before.wall
        server = after.server - before.server
        generator = after.generator - before.generator
        rest = max(0.0, after.machine - before.machine - server - generator)
        return cls(server / wall, generator / wall, rest / wall, server)
