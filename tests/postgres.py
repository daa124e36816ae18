"""A PostgreSQL server the test session (or a benchmark) starts itself, from the machine's
binaries, so no running service is needed: `initdb` and `pg_ctl` in a temporary folder,
run as the `postgres` user when this process is root (PostgreSQL refuses to run as root).

Each test gets a database of its own, created empty; the server's migrations build it,
as they would for an operator.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

BIN_GLOB = "/usr/lib/postgresql/*/bin"


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None."""
    found = sorted(glob.glob(BIN_GLOB), key=lambda p: int(Path(p).parent.name))
    if found:
        return Path(found[-1])
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One PostgreSQL server in a temporary folder, on a loopback port."""

    def __init__(self, fsync: bool = False, settings: dict[str, str] | None = None) -> None:
        """`fsync=False` for tests (nothing here must survive a power cut); `settings`
        are more server options (`{"track_commit_timestamp": "on"}`)."""
        bin_dir = binaries()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL's binaries are not installed (Debian: postgresql)")
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="xapp-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.user = "xapp"
        self.fsync = fsync
        self.settings = settings or {}
        self._as_postgres = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> Cluster:
        if self._as_postgres:
            shutil.chown(self.root, "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            self.user,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        options = (
            f"-c port={self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.root} -c max_connections=300 "
            f"-c fsync={'on' if self.fsync else 'off'} -c shared_buffers=128MB"
        )
        if not self.fsync:
            options += " -c synchronous_commit=off -c full_page_writes=off"
        options += "".join(f" -c {name}={value}" for name, value in self.settings.items())
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.root / "log"),
            "-w",
            "-o",
            options,
            "start",
        )
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh empty database; its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database `new_database` made (its disk back: ~8 MB each)."""
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
