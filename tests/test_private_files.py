"""The server's files are its owner's alone: the SQLite database (password hashes, every
message, the ledger) and its -wal and -shm files are 0600, an older world-readable file is
made so on start, and `xapp serve` without --db keeps its data in the platform's data
folder, never in the folder it is run from."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from tests.conftest import query, xapp_command
from xapp.embedded import ServerThread
from xapp.server import ServerSettings

BACKENDS = ("sqlite",)  # the files in question are SQLite's


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_files_are_the_owners_alone(tmp_path) -> None:
    old = tmp_path / "older.db"
    old.touch(mode=0o644)
    old.chmod(0o644)  # as an earlier version left it
    for db in (tmp_path / "data" / "new.db", old):
        with ServerThread(ServerSettings(db=str(db), data_dir=str(tmp_path))):
            query(db, "SELECT count(*) FROM accounts")  # written, and its WAL with it
            for kept in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
                if kept.exists():
                    assert mode(kept) == 0o600, kept
    assert mode(tmp_path / "data") == 0o700


def test_serve_keeps_its_data_in_the_platforms_folder(tmp_path) -> None:
    home, work = tmp_path / "home", tmp_path / "repository"
    work.mkdir()
    process = subprocess.Popen(
        xapp_command("serve", "--port", "0"),
        cwd=work,
        env={**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / ".local" / "share")},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        folder = home / ".local" / "share" / "xapp" / "server"
        assert f"· database {folder / 'xapp.db'} ·" in line, line + process.stderr.read()
        assert f"receipt key {folder / 'receipt-signing-key.pem'}" in line
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert list(work.iterdir()) == []  # nothing left where it was run
    assert mode(folder / "xapp.db") == 0o600
    assert mode(folder / "receipt-signing-key.pem") == 0o600


def test_a_server_on_a_database_url_keeps_its_key_in_the_platforms_folder(
    tmp_path, monkeypatch
) -> None:
    """Several processes on one PostgreSQL have no SQLite folder to share a key in: without
    --data-dir the key goes to the platform's data folder, not the working directory (this
    repository once committed a key a test had left in its root)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    settings = ServerSettings(db="postgresql://xapp@localhost/xapp")
    assert settings.data_path == tmp_path / "share" / "xapp" / "server"
