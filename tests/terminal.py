"""The real app on a pseudo-terminal, as a person's terminal runs it: shared by the
terminal-injection test and bench/startup.py (not a test module)."""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def app_in_terminal(
    url: str, data_dir: Path, **env: str
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`xapp --server url` on a 160x48 pseudo-terminal in a session of its own, with
    `env` added to its environment; yields the process and the terminal's master side
    to read what it draws. The whole session is ended afterwards."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 48, 160, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "xapp", "--server", url, "--data-dir", str(data_dir)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**os.environ, "TERM": "xterm-256color", **env},
        start_new_session=True,
    )
    os.close(slave)
    try:
        yield process, master
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        os.close(master)
