"""Server settings, from arguments or `XAPP_SERVER_*` environment variables."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]

DEMO_INTERVAL = 8.0
"""Mean seconds between the demo world's scripted actions: lively, not busy (at 3 s an
idle quarter of an hour piled up dozens of unread messages)."""


def database_url(path_or_url: str | Path) -> str:
    """Turn what a person passes to `--db` into an SQLAlchemy URL."""
    text = str(path_or_url)
    for scheme in ("postgresql://", "postgres://"):
        if text.startswith(scheme):  # psycopg 3 serves both the async server and Alembic
            return "postgresql+psycopg://" + text.removeprefix(scheme)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def default_data_dir() -> Path:
    """The server's own folder in the platform's data folder (beside, not inside, the
    app's embedded world)."""
    return Path(platformdirs.user_data_dir("xapp", appauthor=False)) / "server"


class ServerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XAPP_SERVER_")

    db: str = Field(default_factory=lambda: str(default_data_dir() / "xapp.db"))
    """A SQLite file path or a database URL; by default a file in the platform's data
    folder (never the folder `xapp serve` happens to run in: its receipt-signing key lies
    beside the database, one `git add .` from being published)."""

    workers: int = 1
    """Server processes sharing the port and the database (`processes.py`; PostgreSQL)."""

    demo: bool = False
    """Seed the demo world on first start."""

    demo_activity: bool = False
    """Keep the demo world alive with scripted posts, messages and payments."""

    demo_activity_interval: float = DEMO_INTERVAL
    """Mean seconds between two scripted actions."""

    login_attempts: int = 10
    """Failed sign-ins allowed per handle and address within `login_window` seconds."""

    login_window: float = 300.0

    feeds_per_account: int = 20
    """Live feeds one account may hold open in one server process (each holds memory)."""

    writes: int = 300
    """Changes (posts, messages, payments, …) one session may make per `write_window`
    seconds; an address five times as many."""

    write_window: float = 60.0

    session_days: float = 30.0
    """A session (its token) ends this many days after signing in."""

    registrations: int = 20
    """Accounts one address may create within `registration_window` seconds."""

    registration_window: float = 600.0

    argon2_memory_kib: int = 19 * 1024
    argon2_time_cost: int = 2

    undo_seconds: float = 0.0
    """Seconds a payment stays pending, cancellable by the payer; 0 turns the window off."""

    feed_send_timeout: float = 10.0
    """Seconds a live feed may block on a client that does not read before it is closed
    (it resumes from its seq when it reconnects)."""

    instant_deposits: bool = False
    """Let `POST /v1/deposits` create money at once, with no bank (the demo world and
    tests only): otherwise money enters only through the bank rail."""

    rail_settle_seconds: float = 60.0
    """How long the sandbox bank rail takes to answer a deposit or withdrawal."""

    rail_return_seconds: float = 120.0
    """How long after settling the sandbox rail sends back a returned transfer."""

    savings_apy: Decimal = Decimal("4.00")
    """The savings fund's yield, as an annual percentage (APY). Each day's rate is kept
    when the day starts, so a change applies from the next day on."""

    fx_rates: dict[str, Decimal] = {
        "USD": Decimal(1),
        "EUR": Decimal("0.92"),
        "GBP": Decimal("0.79"),
        "JPY": Decimal("150.0"),
        "KWD": Decimal("0.307"),
    }
    """Mid-market rates: units of each currency per US dollar (JSON in the environment)."""

    fx_fee_percent: Decimal = Decimal("0.50")
    """The fee on an exchange, a percentage of what is sold."""

    fx_quote_seconds: float = 30.0
    """How long a quote holds."""

    verification_seconds: float = 5.0
    """How long the simulated identity review takes; 0 decides while the request waits."""

    sanctions: list[str] = ["Ivan Sanctionov", "Acme Front Company"]
    """Names money may not go to (matched after normalising case, accents and spacing);
    a payment to one is held for review."""

    creator_pool: int = 100_000
    """The monthly pool shared among creators by engagement, in US cents."""

    log_level: LogLevel = "WARNING"
    """What `xapp serve` logs to stderr. Quiet by default: its one ready line on stdout
    says what an operator needs; INFO shows startup, migrations and the demo's doings."""

    tls_cert: str | None = None
    """A PEM certificate (chain) to serve HTTPS and WSS with; `tls_key` is its key."""

    tls_key: str | None = None

    docs: bool = False
    """Serve the interactive API documentation (/docs, /redoc); the OpenAPI document
    itself (/openapi.json) is always there: it is the contract clients are built on."""

    @model_validator(mode="after")
    def _tls_pair(self) -> ServerSettings:
        if bool(self.tls_cert) != bool(self.tls_key):
            raise ValueError("TLS needs both a certificate (tls_cert) and its key (tls_key)")
        return self

    @property
    def scheme(self) -> str:
        return "https" if self.tls_cert else "http"

    access_log: bool = False
    """Log every request (uvicorn's access log, at INFO)."""

    data_dir: str | None = None
    """Where the receipt-signing key lives; by default the SQLite file's folder, or the
    platform's data folder for a database URL (never the working directory: a key left
    in a repository's root is one `git add .` from being published)."""

    @field_validator("log_level", mode="before")
    @classmethod
    def _any_case(cls, level: object) -> object:
        return level.upper() if isinstance(level, str) else level

    @property
    def database_url(self) -> str:
        return database_url(self.db)

    @property
    def database_shown(self) -> str:
        """The database as a person reads it: a SQLite file's path, or the URL with its
        password hidden."""
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database:
            return url.database
        return url.set(drivername=url.get_backend_name()).render_as_string(hide_password=True)

    @property
    def data_path(self) -> Path:
        if self.data_dir:
            return Path(self.data_dir).expanduser()
        if "://" in self.db and not self.db.startswith("sqlite"):
            return default_data_dir()
        return Path(self.database_url.split("///", 1)[1]).parent
