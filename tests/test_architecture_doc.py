"""ARCHITECTURE.md stays true about what exists: every file it names is in the tree."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAMED = re.compile(r"`([\w./-]+\.(?:py|tcss|toml|md))`")


def test_every_file_the_architecture_names_exists() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text()
    files = {
        p.relative_to(ROOT).as_posix()
        for p in ROOT.rglob("*")
        if p.is_file() and not p.relative_to(ROOT).parts[0].startswith((".", "build"))
    }
    names = {p.rsplit("/", 1)[-1] for p in files}
    named = set(NAMED.findall(text))
    assert len(named) > 40
    missing = [
        name
        for name in sorted(named)
        if (name not in files if "/" in name else name not in names) and not name.startswith("../")
    ]
    assert not missing, f"ARCHITECTURE.md names files that don't exist: {missing}"
