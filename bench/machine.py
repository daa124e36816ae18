"""What the load benchmarks (throughput.py, fanout.py) share about the machine: a free
port, CPU time read from /proc, and a server started as its own process that says on
stdout when it is ready. No Textual here (harness.py is for the App's benches)."""

from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy since boot (all cores; /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def cpu_by_process(root: int | None) -> dict[int, float]:
    """User + system CPU seconds so far of a process and of each of its descendants
    (those alive)."""
    found: dict[int, float] = {}
    todo = [] if root is None else [root]
    while todo:
        pid = todo.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for task in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                todo.extend(int(child) for child in task.read_text().split())
            except OSError:
                pass
    return found


def tree_cpu_seconds(root: int | None) -> float:
    """User + system CPU time so far of a process and its descendants (those alive)."""
    return sum(cpu_by_process(root).values())


@contextmanager
def started(
    command: list[str], folder: Path, name: str, ready: str, env: dict[str, str]
) -> Iterator[tuple[subprocess.Popen[str], str, Path]]:
    """Run `command` in `folder`, its stderr to `folder/NAME.stderr`; yield the process,
    the stdout line holding `ready`, and the stderr file; stop it afterwards."""
    stderr_path = folder / f"{name}.stderr"
    with stderr_path.open("w") as stderr:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=folder, env=env
        )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put("")

    threading.Thread(target=pump, daemon=True).start()
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError(f"{name} did not say it was ready within 120 s") from None
            if ready in line:
                break
            if line == "":
                text = stderr_path.read_text(errors="replace")
                raise RuntimeError(f"{name} stopped before it was ready:\n{text}")
        yield process, line, stderr_path
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


PROCESS_ROOT = re.compile(r'^(?:process \d+:".*?"(?:;|$))+')
"""The `process N:"command"` roots py-spy puts at the base of each collapsed stack."""


def spy_stacks(path: Path) -> Iterator[tuple[list[str], int]]:
    """The stacks of a py-spy `--format raw` file, root first without the process
    roots (a command line may hold ';'), each with its sample count."""
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            yield PROCESS_ROOT.sub("", stack).split(";"), int(count)


def short_frame(frame: str, root: Path) -> str:
    """`name (/long/path/site-packages/pkg/mod.py:12)` -> `name (pkg/mod.py:12)`."""
    head, paren, where = frame.rpartition(" (")
    for marker in ("site-packages/", f"{root}/", "/lib/python3.11/"):
        if paren and marker in where:
            return f"{head} ({where.split(marker, 1)[1]}"
    return frame
