"""The toolchain that keeps the code's shape: the import contracts (pyproject.toml's
[tool.importlinter]) and the type checker (mypy, strict on the SDK).

Both tools find modules on disk, and api/, screens/ and widgets/ sit beside xapp/ in
the repository (they are installed as xapp.api, xapp.screens, xapp.widgets), so they
run on a copy of the tree laid out as installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAPPED = ("api", "screens", "widgets")
TOOLS = Path(sys.executable).parent


@pytest.fixture(scope="module")
def installed_layout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    tree = tmp_path_factory.mktemp("installed")
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "xapp", tree / "xapp", ignore=ignore)
    for folder in MAPPED:
        shutil.copytree(ROOT / folder, tree / "xapp" / folder, ignore=ignore)
    yield tree


def run(command: list[str], where: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(where)}
    return subprocess.run(command, cwd=where, env=env, capture_output=True, text=True, timeout=300)


def test_import_contracts_hold(installed_layout: Path) -> None:
    result = run(
        [str(TOOLS / "lint-imports"), str(ROOT / "pyproject.toml"), "--no-cache"],
        installed_layout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_types_check(installed_layout: Path) -> None:
    result = run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            "-p",
            "xapp",
        ],
        installed_layout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
