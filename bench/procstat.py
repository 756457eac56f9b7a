"""CPU time and memory of another process, read from /proc (Linux only)."""

from __future__ import annotations

import os

_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far."""
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / _TICKS


def rss_bytes(pid: int) -> int:
    """Resident set size now."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise LookupError(f"no VmRSS for process {pid}")


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of the process, of its children already waited for, and of its living
    descendants: a PostgreSQL server works in one process per connection."""
    fields = _stat_fields(pid)
    own = sum(int(fields[i]) for i in (11, 12, 13, 14)) / _TICKS
    return own + sum(_live_cpu_seconds(p) for p in _descendants(pid))


def _stat_fields(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    # The command name (field 2) may hold spaces and parentheses: fields are counted from
    # its closing parenthesis (state is item 0, parent 1, utime 11, stime 12, their
    # waited-for children's 13 and 14).
    return text[text.rindex(")") + 2 :].split()


def _live_cpu_seconds(pid: int) -> float:
    try:
        fields = _stat_fields(pid)
    except OSError:
        return 0.0  # ended meanwhile: its parent counts it once it has waited for it
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(_stat_fields(int(entry))[1])
            except OSError:
                continue  # ended meanwhile
    found: list[int] = []
    wanted = {pid}
    while wanted:
        wanted = {p for p, parent in parents.items() if parent in wanted}
        found += wanted
    return found
