"""Optional sampling of the server with py-spy (`--profile DIR`, needs the bench extra).

py-spy reads the server's stacks from outside, so the measured process runs unmodified; the
raw stacks go to DIR/NAME.txt and a summary of where the time went to DIR/NAME.top.txt.
"""

from __future__ import annotations

import collections
import contextlib
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.context import Context
from bench.processes import PYTHON, Child

TOP = 30


@dataclass(frozen=True)
class Spy:
    child: Child
    out: Path


def _py_spy() -> str | None:
    beside = Path(PYTHON).parent / "py-spy"
    return str(beside) if beside.is_file() else shutil.which("py-spy")


def start(ctx: Context, pid: int, name: str) -> Spy | None:
    assert ctx.profile_dir is not None
    binary = _py_spy()
    if binary is None:
        ctx.log("py-spy not installed (pip install -e '.[bench]'); not profiling")
        return None
    out = ctx.profile_dir / f"{name}.txt"
    # --nonblocking: sampling without pausing the server, so it is not slowed down.
    argv = [binary, "record", "-p", str(pid), "-r", "100", "-f", "raw", "-o", str(out)]
    return Spy(ctx.children.spawn(f"py-spy-{name}", [*argv, "--nonblocking"]), out)


def stop(ctx: Context, spy: Spy) -> None:
    # py-spy writes its output on SIGINT, not on SIGTERM.
    spy.child.process.send_signal(signal.SIGINT)
    with contextlib.suppress(subprocess.TimeoutExpired):
        spy.child.process.wait(30)
    ctx.children.stop(spy.child)
    if spy.out.exists():
        summary = spy.out.with_suffix(".top.txt")
        summary.write_text(summarise(spy.out))
        ctx.log(f"profile: {summary}")


def summarise(raw: Path) -> str:
    """Self and inclusive shares of the sampled functions, busiest first."""
    own: collections.Counter[str] = collections.Counter()
    within: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        own[frames[-1]] += n
        for frame in set(frames):
            within[frame] += n
    lines = [f"{total} samples", "", "self time:"]
    lines += [f"{100 * n / total:5.1f}%  {f}" for f, n in own.most_common(TOP)]
    lines += ["", "inclusive time:"]
    lines += [f"{100 * n / total:5.1f}%  {f}" for f, n in within.most_common(TOP * 3)]
    return "\n".join(lines) + "\n"
