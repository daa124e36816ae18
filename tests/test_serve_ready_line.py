"""`xapp serve` says one line when it is ready, on stdout, and nothing before it: the URL,
the database and where the receipt-signing key is. Logs go to stderr at WARNING unless
asked for more (`--log-level`, XAPP_SERVER_LOG_LEVEL), without the access log unless
asked (`--access-log`).

Run as an operator would: a separate process, stopped with SIGTERM.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import httpx

from tests.conftest import xapp_command

FAST_HASHES = {"XAPP_SERVER_ARGON2_MEMORY_KIB": "256", "XAPP_SERVER_ARGON2_TIME_COST": "1"}
READY = re.compile(
    r"xapp server ready on (?P<url>http://127\.0\.0\.1:\d+) · database (?P<db>\S+)"
    r" · receipt key (?P<key>\S+)\n"
)


def serve_once(tmp_path: Path, *flags: str, merged: bool, **env: str) -> tuple[str, str, str]:
    """Start `xapp serve`, read its first line, ask it a few things, stop it; returns
    (first line, the rest of stdout, stderr). `merged` sends stderr to stdout, so the
    first line is the first thing a terminal shows."""
    process = subprocess.Popen(
        xapp_command("serve", "--port", "0", "--db", str(tmp_path / "xapp.db"), *flags),
        cwd=tmp_path,
        env={**os.environ, **FAST_HASHES, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merged else subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        ready = READY.fullmatch(first)
        if ready:  # requests, so an access log (or any per-request INFO) would show
            for path in ("/v1/receipts/key", "/openapi.json", "/v1/me"):
                httpx.get(ready["url"] + path, timeout=10)
    finally:
        process.terminate()
        rest, errors = process.communicate(timeout=30)
    return first, rest, errors or ""


def test_the_first_thing_it_prints_is_the_ready_line(tmp_path: Path) -> None:
    first, rest, _ = serve_once(tmp_path, merged=True)
    ready = READY.fullmatch(first)
    assert ready, first
    assert ready["db"] == str((tmp_path / "xapp.db").resolve())
    assert ready["key"] == str((tmp_path / "receipt-signing-key.pem").resolve())
    assert Path(ready["key"]).exists()
    assert rest == ""  # and nothing after it: no startup, migration or access lines


def test_stderr_is_quiet_by_default(tmp_path: Path) -> None:
    first, rest, errors = serve_once(tmp_path, merged=False)
    assert READY.fullmatch(first) and rest == ""
    assert errors == ""


def test_more_logging_when_asked(tmp_path: Path) -> None:
    first, _, errors = serve_once(tmp_path, "--log-level", "info", merged=False)
    assert READY.fullmatch(first)
    assert " INFO " in errors and "Application startup complete" in errors
    assert "GET /openapi.json" not in errors  # the access log is its own choice

    _, _, errors = serve_once(tmp_path, "--access-log", merged=False, XAPP_SERVER_LOG_LEVEL="INFO")
    assert "GET /openapi.json" in errors


def test_a_bad_level_in_the_environment_is_a_sentence(tmp_path: Path) -> None:
    done = subprocess.run(
        xapp_command("serve", "--port", "0", "--db", str(tmp_path / "xapp.db")),
        env={**os.environ, "XAPP_SERVER_LOG_LEVEL": "loud"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("xapp serve: XAPP_SERVER_LOG_LEVEL: Input should be")
