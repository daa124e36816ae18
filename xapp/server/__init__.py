"""The reference server: FastAPI routes over a domain layer over one store.

`create_app` is the only entry point; the embedded default and `xapp serve` both use it.
"""

from xapp.server.app import create_app
from xapp.server.settings import ServerSettings

__all__ = ["ServerSettings", "create_app"]
