"""What the person chose in the app and expects to find again next time (the theme),
in `preferences.json` in the data folder. A missing or unreadable file is no choice."""

from __future__ import annotations

import json
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError


class Preferences(BaseModel):
    model_config = ConfigDict(extra="ignore")

    theme: str | None = None


def load(folder: Path) -> Preferences:
    try:
        return Preferences.model_validate_json((folder / "preferences.json").read_bytes())
    except (OSError, ValidationError):
        return Preferences()


def save(folder: Path, preferences: Preferences) -> None:
    """Atomically, so a crash mid-write never leaves half a file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "preferences.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(preferences.model_dump(exclude_none=True), indent=1) + "\n")
    os.replace(tmp, path)
