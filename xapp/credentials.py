"""Where a session token is kept between runs.

The OS keyring first (service per server URL, user = handle). Where no keyring backend
exists (SSH, CI, a bare container) the user is told so and chooses: keep the token for
this run only, or store it in a file only they can read (0600) in the data dir. Nothing
is ever written in plain text without that choice. `state.json` beside it holds only
non-secrets: every account signed in to (server, handle, where its token lives), and the
last one used on each server.

Keyring calls can block (D-Bus), so callers run these methods off the event loop; and
the keyring package itself (and the probe for a backend) is loaded on the first call,
in that thread, not while the app starts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

VaultName = Literal["keyring", "file", "memory"]
ACCOUNTS = "@accounts"
"""state.json's list of every account kept (a key no server URL can be)."""


@dataclass(frozen=True)
class Kept:
    """An account signed in to, and where its token is."""

    server: str
    handle: str
    vault: VaultName


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


def _device_key(handle: str) -> str:
    """Where a device secret is kept beside the token (no handle has a '#')."""
    return f"{handle}#device"


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
        self._this_run: list[Kept] = []

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

    def load(self, server: str, handle: str | None = None) -> tuple[str, str] | None:
        """(handle, token) kept for `server`: the account last used there, or `handle`."""
        state = _read_json(self.state_path)
        if handle is None:
            entry = state.get(server, {})
            handle, where = entry.get("handle"), entry.get("vault")
        else:
            found = [k for k in self.accounts() if (k.server, k.handle) == (server, handle)]
            where = found[0].vault if found else None
        vault = self.vault(where)
        if vault is None or not handle:
            return None
        token = vault.get(server, handle)
        return (handle, token) if token else None

    def device(self, server: str, handle: str) -> str | None:
        """The device secret a sign-in as `handle` on `server` gave this machine (sent on
        later sign-ins, so guessing from elsewhere cannot hold them back)."""
        for account in self.accounts():
            if (account.server, account.handle) == (server, handle):
                vault = self.vault(account.vault)
                return vault.get(server, _device_key(handle)) if vault else None
        return None

    def save_device(self, server: str, handle: str, device: str, where: VaultName) -> None:
        vault = self.vault(where)
        if vault is not None:
            vault.set(server, _device_key(handle), device)

    def accounts(self) -> list[Kept]:
        """Every account signed in to, kept or for this run only, in the order first
        signed in."""
        kept = [
            Kept(entry["server"], entry["handle"], entry["vault"])
            for entry in _read_json(self.state_path).get(ACCOUNTS, [])
            if isinstance(entry, dict) and {"server", "handle", "vault"} <= entry.keys()
        ]
        return kept + [k for k in self._this_run if k not in kept]

    def save(self, server: str, handle: str, token: str, where: VaultName) -> None:
        vault = self.vault(where)
        assert vault is not None, f"no {where} vault here"
        vault.set(server, handle, token)
        account = Kept(server, handle, where)
        if where == "memory":
            if account not in self._this_run:
                self._this_run.append(account)
            return
        state = _read_json(self.state_path)
        state[server] = {"handle": handle, "vault": where}
        others = [
            e
            for e in state.get(ACCOUNTS, [])
            if isinstance(e, dict) and (e.get("server"), e.get("handle")) != (server, handle)
        ]
        state[ACCOUNTS] = [*others, {"server": server, "handle": handle, "vault": where}]
        _write_json(self.state_path, state, 0o600)

    def use(self, server: str, handle: str) -> None:
        """`handle` is the account to start in on `server` next time."""
        state = _read_json(self.state_path)
        found = [k for k in self.accounts() if (k.server, k.handle) == (server, handle)]
        if found and found[0].vault != "memory":
            state[server] = {"handle": handle, "vault": found[0].vault}
            _write_json(self.state_path, state, 0o600)

    def forget(self, server: str, handle: str | None = None) -> None:
        """Forget an account's token (the one last used on `server`, or `handle`); the
        server's next start is then in another account kept there, if any."""
        state = _read_json(self.state_path)
        last = state.get(server, {})
        handle = handle or last.get("handle")
        if not handle:
            return
        mine = (server, handle)
        wheres = {k.vault for k in self.accounts() if (k.server, k.handle) == mine}
        if last.get("handle") == handle and last.get("vault"):
            wheres.add(last["vault"])
        for where in wheres:
            vault = self.vault(where)
            if vault is not None:
                vault.delete(server, handle)
        self._this_run = [k for k in self._this_run if (k.server, k.handle) != mine]
        state[ACCOUNTS] = [
            e
            for e in state.get(ACCOUNTS, [])
            if isinstance(e, dict) and (e.get("server"), e.get("handle")) != mine
        ]
        if last.get("handle") == handle:
            state.pop(server, None)
            others = [e for e in state[ACCOUNTS] if e.get("server") == server]
            if others:
                state[server] = {"handle": others[-1]["handle"], "vault": others[-1]["vault"]}
        _write_json(self.state_path, state, 0o600)
