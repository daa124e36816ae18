"""Where a session token is kept between runs.

The OS keyring first (service per server URL, user = handle). Where no keyring backend
exists (SSH, CI, a bare container) the user is told so and chooses: keep the token for
this run only, or store it in a file only they can read (0600) in the data dir. Nothing
is ever written in plain text without that choice. `state.json` beside it holds only
non-secrets: the last handle per server and where its token lives.

Keyring calls can block (D-Bus), so callers run these methods off the event loop.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal, Protocol

import keyring
import keyring.errors
from keyring.backends import fail

VaultName = Literal["keyring", "file", "memory"]


class Vault(Protocol):
    def get(self, server: str, handle: str) -> str | None: ...
    def set(self, server: str, handle: str, token: str) -> None: ...
    def delete(self, server: str, handle: str) -> None: ...


def _service(server: str) -> str:
    return f"xapp {server}"


class KeyringVault:
    def get(self, server: str, handle: str) -> str | None:
        return keyring.get_password(_service(server), handle)

    def set(self, server: str, handle: str, token: str) -> None:
        keyring.set_password(_service(server), handle, token)

    def delete(self, server: str, handle: str) -> None:
        try:
            keyring.delete_password(_service(server), handle)
        except keyring.errors.PasswordDeleteError:
            pass


def system_keyring() -> KeyringVault | None:
    """The OS keyring, or None where this machine has no usable backend."""
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        return None
    return KeyringVault()


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
        return data if isinstance(data, dict) else {}
    except (FileNotFoundError, ValueError):
        return {}


def _write_json(path: Path, data: dict[str, Any], mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=1)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


class FileVault:
    """Tokens in a 0600 JSON file: only used after the user chose it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def get(self, server: str, handle: str) -> str | None:
        token = _read_json(self.path).get(server, {}).get(handle)
        return token if isinstance(token, str) else None

    def set(self, server: str, handle: str, token: str) -> None:
        data = _read_json(self.path)
        data.setdefault(server, {})[handle] = token
        _write_json(self.path, data, 0o600)

    def delete(self, server: str, handle: str) -> None:
        data = _read_json(self.path)
        if data.get(server, {}).pop(handle, None) is not None:
            _write_json(self.path, data, 0o600)


class MemoryVault:
    def __init__(self) -> None:
        self._tokens: dict[tuple[str, str], str] = {}

    def get(self, server: str, handle: str) -> str | None:
        return self._tokens.get((server, handle))

    def set(self, server: str, handle: str, token: str) -> None:
        self._tokens[(server, handle)] = token

    def delete(self, server: str, handle: str) -> None:
        self._tokens.pop((server, handle), None)


class Credentials:
    """The vaults, and the (non-secret) record of which one holds a server's token."""

    def __init__(self, data_dir: Path, keyring_vault: Vault | None) -> None:
        self.state_path = data_dir / "state.json"
        self.token_file = data_dir / "tokens.json"
        self.vaults: dict[VaultName, Vault] = {
            "file": FileVault(self.token_file),
            "memory": MemoryVault(),
        }
        if keyring_vault is not None:
            self.vaults["keyring"] = keyring_vault

    @property
    def has_keyring(self) -> bool:
        return "keyring" in self.vaults

    def load(self, server: str) -> tuple[str, str] | None:
        """(handle, token) kept for `server`, if any."""
        entry = _read_json(self.state_path).get(server, {})
        vault = self.vaults.get(entry.get("vault"))
        handle = entry.get("handle")
        if vault is None or not handle:
            return None
        token = vault.get(server, handle)
        return (handle, token) if token else None

    def save(self, server: str, handle: str, token: str, where: VaultName) -> None:
        self.vaults[where].set(server, handle, token)
        if where != "memory":
            state = _read_json(self.state_path)
            state[server] = {"handle": handle, "vault": where}
            _write_json(self.state_path, state, 0o600)

    def forget(self, server: str) -> None:
        state = _read_json(self.state_path)
        entry = state.pop(server, None)
        if entry:
            vault = self.vaults.get(entry.get("vault"))
            if vault is not None:
                vault.delete(server, entry.get("handle", ""))
            _write_json(self.state_path, state, 0o600)
