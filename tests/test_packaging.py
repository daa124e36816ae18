"""The user's layout installs as one namespace: xapp.api, xapp.screens, xapp.widgets."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_holds_xapp_subpackages_and_nothing_top_level(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("xapp_terminal-*.whl")
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
