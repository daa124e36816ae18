"""Client settings, one object filled in layers: the config file (TOML, in the
platform's config folder), then `XAPP_*` environment variables, then command-line flags.

A plain pydantic model: pydantic-settings would do the same and cost ~50 ms of imports
on every start of the app (the server keeps it). The file has sections a person reads
(`[server]`, `[wallet]`, `[display]`, `[alerts]`, `[keys]`); each setting in them is one field here,
and the environment names the field (`XAPP_RETYPE_ABOVE`).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import BaseModel, ConfigDict, Field

from xapp.alerts import How

PREFIX = "XAPP_"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("xapp", appauthor=False))


def config_path(environ: Mapping[str, str] = os.environ) -> Path:
    """`XAPP_CONFIG`, or `config.toml` in the platform's config folder."""
    if chosen := environ.get("XAPP_CONFIG"):
        return Path(chosen)
    return Path(platformdirs.user_config_dir("xapp", appauthor=False)) / "config.toml"


SECTIONS: dict[str, dict[str, str]] = {
    "server": {"url": "server", "data_dir": "data_dir", "undo_seconds": "undo_seconds"},
    "wallet": {"retype_above": "retype_above"},
    "display": {"bell": "bell", "theme": "theme"},
    "alerts": {"message": "alert_message", "payment": "alert_payment", "request": "alert_request"},
}
"""The file's sections and settings, and the field each one fills (`[keys]` is a table
of binding ids to keys, the app's keymap)."""

TEMPLATE = """\
# xapp's settings. Environment variables (XAPP_SERVER, XAPP_BELL, ...) and flags
# (--server) override what is here. Uncomment what you want to change.

[server]
# url = "https://xapp.example.com"   # none: the embedded demo world
# undo_seconds = 10                  # the embedded world: how long a payment can be undone

[wallet]
# retype_above = 20000               # cents: payments above this need the amount typed again

[display]
# bell = true                        # ring for a message in a conversation not on screen
# theme = "xapp-high-contrast"       # or nord, gruvbox, textual-light, ... (ctrl+p lists them)

[alerts]
# Outside the app, for when you are not looking: off, bell, desktop (a notification:
# notify-send, or your terminal's own) or both.
# message = "bell"                   # a message in a chat not on screen
# payment = "desktop"                # money received
# request = "both"                   # someone asks you for money

[keys]
# Binding ids (press ? in the app to see them) and the keys they should answer to:
# "wallet.savings" = "ctrl+y"
# "home.pay" = "p,$"
"""


class ConfigError(Exception):
    """The config file cannot be used; the message names the file and what is wrong."""


def read_file(path: Path) -> dict[str, Any]:
    """The file's settings as field values; none when there is no file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror}") from exc
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    values: dict[str, Any] = {}
    for section, table in document.items():
        if section == "keys" and isinstance(table, dict):
            values["keys"] = table
            continue
        fields = SECTIONS.get(section)
        if fields is None or not isinstance(table, dict):
            known = ", ".join(f"[{name}]" for name in [*SECTIONS, "keys"])
            raise ConfigError(f"{path}: there is no section [{section}] (there are {known})")
        for name, value in table.items():
            if name not in fields:
                raise ConfigError(f"{path}: [{section}] has no setting {name!r}")
            values[fields[name]] = value
    return values


class ClientSettings(BaseModel):
    model_config = ConfigDict(extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    """Where the embedded server's database and the client's state live."""

    server: str | None = None
    """A server URL; none means the embedded default."""

    undo_seconds: float = 0.0
    """For the embedded server: seconds a payment stays pending and can be undone (u)."""

    bell: bool = False
    """Ring the terminal bell for a message in a conversation that is not on screen."""

    alert_message: How = "off"
    """A message in a chat not on screen: off, bell, desktop (a notification) or both."""

    alert_payment: How = "off"
    """Money received."""

    alert_request: How = "off"
    """Someone asks me for money (or reminds me)."""

    def alert_kinds(self) -> dict[str, How]:
        """How each kind is told; `bell = true` (the older setting) rings for messages."""
        message = self.alert_message
        if self.bell and message == "off":
            message = "bell"
        return {"message": message, "payment": self.alert_payment, "request": self.alert_request}

    theme: str | None = None
    """A theme by name (Textual's, or xapp-high-contrast); none: the one last chosen."""

    retype_above: int = 200_00
    """Payments above this many cents (minor units) need the amount typed again."""

    keys: dict[str, str] = Field(default_factory=dict)
    """The keymap: binding ids (as the help screen lists them) to the keys they answer."""

    @classmethod
    def load(cls, environ: Mapping[str, str] = os.environ) -> ClientSettings:
        """The config file, with the environment over it. Raises `ConfigError` for a file
        that cannot be used and pydantic's ValidationError for a value that doesn't fit."""
        return cls.model_validate({**read_file(config_path(environ)), **_from_env(environ)})


def _from_env(environ: Mapping[str, str]) -> dict[str, str]:
    """`XAPP_SERVER`, `XAPP_BELL`, … (case-insensitive, as pydantic-settings reads them);
    the keymap only comes from the file."""
    fields = set(ClientSettings.model_fields) - {"keys"}
    return {
        key[len(PREFIX) :].lower(): value
        for key, value in environ.items()
        if key.upper().startswith(PREFIX) and key[len(PREFIX) :].lower() in fields
    }
