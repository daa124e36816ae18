"""One xapp per data folder (issue 13, #20): a second `xapp` on a folder whose embedded
world is running says so in one sentence and exits non-zero, before it touches the
first one's world or session; a folder whose holder died (however it died) is free.

Two real processes: the first runs the embedded world as `xapp` does; the second is the
`xapp` command itself.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import xapp_command
from xapp.embedded import AlreadyRunning, DataDirLock

FIRST = """
import sys
from pathlib import Path
from xapp.embedded import EmbeddedWorld
world = EmbeddedWorld(Path(sys.argv[1]), activity_interval=0)
url, token = world.start()
print(url, token, flush=True)
sys.stdin.read()
world.stop()
"""


@pytest.fixture
def first(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str, str]]:
    """A process running the embedded world on `tmp_path`, as `xapp` would; yields it
    with its URL and the demo account's token."""
    process = subprocess.Popen(
        [sys.executable, "-c", FIRST, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    url, token = process.stdout.readline().split()
    yield process, url, token
    if process.poll() is None:
        process.kill()
    process.communicate(timeout=30)


def second_xapp(data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        xapp_command("--data-dir", str(data_dir)),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "XAPP_SERVER": ""},
    )


def test_a_second_xapp_on_the_same_folder_refuses_and_leaves_the_first_alone(
    tmp_path: Path, first: tuple[subprocess.Popen[str], str, str]
) -> None:
    process, url, token = first
    seeded = (tmp_path / "xapp.db").stat().st_mtime_ns

    second = second_xapp(tmp_path)

    assert second.returncode == 1
    assert second.stdout == ""
    assert second.stderr == (
        f"xapp is already running with the data folder {tmp_path} (pid {process.pid}); "
        "to run another one beside it, give it a folder of its own: "
        "xapp --data-dir ANOTHER_FOLDER\n"
    )
    # The first is still signed in (an embedded start would have ended its session)
    # and its database untouched (no second seeding or sign-in was written).
    me = httpx.get(f"{url}/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert me.status_code == 200 and me.json()["handle"] == "you"
    assert (tmp_path / "xapp.db").stat().st_mtime_ns == seeded


def test_a_folder_is_free_once_its_holder_dies(
    tmp_path: Path, first: tuple[subprocess.Popen[str], str, str]
) -> None:
    process, _, _ = first
    with pytest.raises(AlreadyRunning, match=f"pid {process.pid}"):
        DataDirLock.claim(tmp_path)
    process.send_signal(signal.SIGKILL)  # a crash: nothing of its own runs to let go
    process.wait(timeout=30)
    lock = DataDirLock.claim(tmp_path)
    try:
        assert (tmp_path / "xapp.lock").read_text() == f"{os.getpid()}\n"
    finally:
        lock.release()


def test_another_folder_runs_beside_it(
    tmp_path: Path, first: tuple[subprocess.Popen[str], str, str]
) -> None:
    DataDirLock.claim(tmp_path / "another").release()
