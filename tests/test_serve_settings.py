"""`xapp serve` reads XAPP_SERVER_* from the environment, and a flag beats the variable.

The server runs as an operator would start it: a separate process, its URL read from
the line it prints when ready, stopped with SIGTERM.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import PASSWORD, usd, xapp_command
from xapp.api.client import ApiClient

FAST_HASHES = {"XAPP_SERVER_ARGON2_MEMORY_KIB": "256", "XAPP_SERVER_ARGON2_TIME_COST": "1"}


@contextmanager
def xapp_serve(cwd: Path, env: dict[str, str], *flags: str) -> Iterator[str]:
    """`xapp serve --port 0 FLAGS` in `cwd` with `env` added to this environment (a
    setting that is ignored lands in `cwd`, not in the project); yields its URL."""
    process = subprocess.Popen(
        xapp_command("serve", "--port", "0", *flags),
        cwd=cwd,
        env={**os.environ, **FAST_HASHES, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready = process.stdout.readline()
        assert ready.startswith("xapp server ready on "), ready + process.stderr.read()
        yield ready.split()[4]
    finally:
        process.terminate()
        process.communicate(timeout=30)


async def first_payment_status(url: str) -> str:
    """Register two people and pay once; the payment's status shows the undo window."""
    client = ApiClient(url)
    try:
        for handle in ("ada", "bob"):
            await client.accounts.register(handle, handle.title(), PASSWORD)
        await client.accounts.login("ada", PASSWORD)
        await client.wallet.deposit(usd(1_000))
        return (await client.wallet.pay("bob", usd(100))).status
    finally:
        await client.aclose()


async def test_the_environment_configures_xapp_serve(tmp_path: Path) -> None:
    env_db = tmp_path / "from-env" / "xapp.db"
    env = {"XAPP_SERVER_DB": str(env_db), "XAPP_SERVER_UNDO_SECONDS": "60"}
    with xapp_serve(tmp_path, env) as url:
        assert await first_payment_status(url) == "pending"
    assert env_db.exists()


async def test_a_flag_beats_the_environment(tmp_path: Path) -> None:
    env_db, flag_db = tmp_path / "from-env.db", tmp_path / "from-flag.db"
    env = {"XAPP_SERVER_DB": str(env_db), "XAPP_SERVER_UNDO_SECONDS": "60"}
    with xapp_serve(tmp_path, env, "--db", str(flag_db), "--undo-seconds", "0") as url:
        assert await first_payment_status(url) == "completed"
    assert flag_db.exists() and not env_db.exists()
