"""Client settings: `XAPP_*` environment variables, then command-line flags.

A plain pydantic model filled from the environment: pydantic-settings would do the same
and cost ~50 ms of imports on every start of the app (the server keeps it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs
from pydantic import BaseModel, ConfigDict, Field

PREFIX = "XAPP_"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("xapp", appauthor=False))


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

    retype_above: int = 200_00
    """Payments above this many cents (minor units) need the amount typed again."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> ClientSettings:
        """`XAPP_SERVER`, `XAPP_BELL`, … (case-insensitive, as pydantic-settings reads
        them); a value that doesn't fit raises pydantic's ValidationError, naming it."""
        fields = set(cls.model_fields)
        given = {
            key[len(PREFIX) :].lower(): value
            for key, value in environ.items()
            if key.upper().startswith(PREFIX) and key[len(PREFIX) :].lower() in fields
        }
        return cls.model_validate(given)
