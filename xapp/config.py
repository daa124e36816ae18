"""Client settings: `XAPP_*` environment variables, then command-line flags."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("xapp", appauthor=False))


class ClientSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XAPP_")

    data_dir: Path = Field(default_factory=default_data_dir)
    """Where the embedded server's database and the client's state live."""

    server: str | None = None
    """A server URL; none means the embedded default."""

    undo_seconds: float = 0.0
    """For the embedded server: seconds a payment stays pending and can be undone (u)."""

    bell: bool = False
    """Ring the terminal bell for a message in a conversation that is not on screen."""

    retype_above: int = 200_00
    """Payments above this many cents (minor units) need the amount typed again."""
