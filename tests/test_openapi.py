"""The API describes itself: the OpenAPI document builds without warnings and names
every operation once, so clients generated from it work."""

from __future__ import annotations

import warnings
from pathlib import Path

from xapp.server import ServerSettings, create_app


def test_every_operation_has_its_own_id(tmp_path: Path) -> None:
    app = create_app(ServerSettings(db=str(tmp_path / "x.db")))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        document = app.openapi()
    ids = [
        operation["operationId"]
        for path in document["paths"].values()
        for operation in path.values()
    ]
    assert len(ids) == len(set(ids))
    assert {"block", "unblock", "like", "unlike"} <= set(ids)
