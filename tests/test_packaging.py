"""The user's layout installs as one namespace: xapp.api, xapp.screens, xapp.widgets."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("xapp", "xapp.api", "xapp.screens", "xapp.widgets", "xapp.server")
BUILD_OUTPUT = ("build", "dist", "*.egg-info")

# Run in a fresh interpreter (-I: no current directory on sys.path, no PYTHONPATH) with
# `where` first on sys.path: where each package comes from, every module each package
# holds, and whether a bare `api`, `screens` or `widgets` can be imported.
LAYOUT = """
import importlib, importlib.util, json, pkgutil, sys
from pathlib import Path
where = sys.argv[1]
if where:
    sys.path.insert(0, where)
packages = {}
for name in sys.argv[2].split(","):
    package = importlib.import_module(name)
    modules = sorted(m.name for m in pkgutil.iter_modules(package.__path__))
    packages[name] = {"file": str(Path(package.__file__).resolve()), "modules": modules}
bare = [n for n in ("api", "screens", "widgets") if importlib.util.find_spec(n) is not None]
print(json.dumps({"packages": packages, "bare": bare}))
"""


def layout(where: Path | None, cwd: Path) -> dict:
    """How `xapp` imports with `where` (an unpacked wheel) first on sys.path, or as this
    environment has it installed (editable) when `where` is None."""
    result = subprocess.run(
        [sys.executable, "-I", "-c", LAYOUT, str(where or ""), ",".join(PACKAGES)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def build_output(root: Path) -> dict[str, float]:
    """Every file of a build's leftovers under `root`, with when it was written."""
    return {
        str(path): path.stat().st_mtime
        for pattern in BUILD_OUTPUT
        for top in root.glob(pattern)
        for path in [top, *top.rglob("*")]
    }


def build_wheel(out: Path) -> Path:
    """A wheel built from a copy of the checkout, so the build's leftovers (build/,
    *.egg-info) land in the copy and never in the checkout."""
    source = out / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "*cache*", ".hypothesis", "tests", "bench", *BUILD_OUTPUT
        ),
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        check=True,
        timeout=300,
    )
    [wheel] = out.glob("xapp_terminal-*.whl")
    return wheel


def test_the_wheel_and_the_editable_install_import_the_same_way(tmp_path: Path) -> None:
    before = build_output(ROOT)
    wheel = build_wheel(tmp_path)
    assert build_output(ROOT) == before  # the checkout is left as it was

    names = zipfile.ZipFile(wheel).namelist()
    for module in (
        "xapp/api/models.py",
        "xapp/api/client.py",
        "xapp/screens/home.py",
        "xapp/widgets/timeline.py",
        "xapp/server/migrations/versions/0001_initial.py",
        "xapp/app.tcss",
    ):
        assert module in names, module
    tops = {name.split("/")[0] for name in names}
    assert not tops & {"api", "screens", "widgets", "tests"}
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "xapp = xapp.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()

    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    from_wheel = layout(unpacked, cwd=tmp_path)
    editable = layout(None, cwd=tmp_path)
    expected = {
        "xapp": ("xapp/__init__.py", "xapp/__init__.py"),
        "xapp.api": ("xapp/api/__init__.py", "api/__init__.py"),
        "xapp.screens": ("xapp/screens/__init__.py", "screens/__init__.py"),
        "xapp.widgets": ("xapp/widgets/__init__.py", "widgets/__init__.py"),
        "xapp.server": ("xapp/server/__init__.py", "xapp/server/__init__.py"),
    }
    for name, (in_wheel, in_checkout) in expected.items():
        assert from_wheel["packages"][name]["file"] == str(unpacked.resolve() / in_wheel)
        assert editable["packages"][name]["file"] == str(ROOT / in_checkout)
        # The same modules either way: nothing the checkout has is missing from the wheel.
        # (In the wheel xapp.api is a folder of xapp; in the checkout it is ../api.)
        own = [
            [m for m in found["packages"][name]["modules"] if f"{name}.{m}" not in PACKAGES]
            for found in (from_wheel, editable)
        ]
        assert own[0] == own[1], name
    assert from_wheel["bare"] == editable["bare"] == []


def test_the_sdk_imports_without_textual() -> None:
    code = (
        "import sys; import xapp.api.client, xapp.api.feed, xapp.api.models; "
        "assert not [m for m in sys.modules if m.startswith('textual')], 'textual imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_the_app_imports_without_the_server() -> None:
    """A client pointed at a server doesn't load the server's code (SQLAlchemy, FastAPI,
    Alembic, uvicorn): about 50 MB and half a second of start-up it has no use for."""
    code = (
        "import sys; import xapp.app; "
        "loaded = [m for m in ('xapp.server', 'sqlalchemy', 'fastapi', 'uvicorn', 'alembic') "
        "if m in sys.modules]; assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_the_console_script_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "xapp", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "xapp 0.1.0"
