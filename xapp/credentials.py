"""Where a session token is kept between runs.

The OS keyring first (service per server URL, user = handle). Where no keyring backend
exists (SSH, CI, a bare container) the user is told so and chooses: keep the token for
this run only, or store it in a file only they can read (0600) in the data dir. Nothing
is ever written in plain text without that choice. `state.json` beside it holds only
non-secrets: the last handle per server and where its token lives.

Keyring calls can block (D-Bus), so callers run these methods off the event loop; and
the keyring package itself (and the probe for a backend) is loaded on the first call,
in that thread, not while the app starts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, Protocol

VaultName = Literal["keyring", "file", "memory"]


class Vault(Protocol):
    def get(self, server: str, handle: str) -> str | None: ...
    def set(self, server: str, handle: str, token: str) -> None: ...
    def delete(self, server: str, handle: str) -> None: ...


def _service(server: str) -> str:
    return f"xapp {server}"


class KeyringVault:
    def get(self, server: str, handle: str) -> str | None:
        import keyring

        return keyring.get_password(_service(server), handle)

    def set(self, server: str, handle: str, token: str) -> None:
        import keyring

        keyring.set_password(_service(server), handle, token)

    def delete(self, server: str, handle: str) -> None:
        import keyring
        import keyring.errors

        try:
            keyring.delete_password(_service(server), handle)
        except keyring.errors.PasswordDeleteError:
            pass


def system_keyring() -> KeyringVault | None:
    """The OS keyring, or None where this machine has no usable backend."""
    import keyring
    from keyring.backends import fail

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

    def __init__(
        self,
        data_dir: Path,
        keyring_vault: Vault | None = None,
        find_keyring: Callable[[], Vault | None] | None = None,
    ) -> None:
        """A keyring vault, or `find_keyring` (`system_keyring`) to look for one on
        first use, off the event loop like every method here."""
        self.state_path = data_dir / "state.json"
        self.token_file = data_dir / "tokens.json"
        self._vaults: dict[VaultName, Vault] = {
            "file": FileVault(self.token_file),
            "memory": MemoryVault(),
        }
        if keyring_vault is not None:
            self._vaults["keyring"] = keyring_vault
        self._find_keyring = find_keyring

    def vault(self, name: str | None) -> Vault | None:
        """The named vault; the keyring is looked for only when it is asked for."""
        if name == "keyring" and self._find_keyring is not None:
            found, self._find_keyring = self._find_keyring(), None
            if found is not None:
                self._vaults["keyring"] = found
        return self._vaults.get(name)  # type: ignore[call-overload]

    @property
    def has_keyring(self) -> bool:
        return self.vault("keyring") is not None

    def load(self, server: str) -> tuple[str, str] | None:
        """(handle, token) kept for `server`, if any."""
        entry = _read_json(self.state_path).get(server, {})
        vault = self.vault(entry.get("vault"))
        handle = entry.get("handle")
        if vault is None or not handle:
            return None
        token = vault.get(server, handle)
        return (handle, token) if token else None

    def save(self, server: str, handle: str, token: str, where: VaultName) -> None:
        vault = self.vault(where)
        assert vault is not None, f"no {where} vault here"
        vault.set(server, handle, token)
        if where != "memory":
            state = _read_json(self.state_path)
            state[server] = {"handle": handle, "vault": where}
            _write_json(self.state_path, state, 0o600)

    def forget(self, server: str) -> None:
        state = _read_json(self.state_path)
        entry = state.pop(server, None)
        if entry:
            vault = self.vault(entry.get("vault"))
            if vault is not None:
                vault.delete(server, entry.get("handle", ""))
            _write_json(self.state_path, state, 0o600)
