"""The `xapp` command: the TUI (embedded default or `--server URL`), `serve`, `audit`,
`receipt verify`, `export`, `admin` and `config`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from xapp import __version__
from xapp.config import ClientSettings, ConfigError, config_path


def _settings(command: str) -> ClientSettings | None:
    """The client's settings (config file, then environment), or None after saying on
    stderr what is wrong and where."""
    from pydantic import ValidationError

    try:
        return ClientSettings.load()
    except ConfigError as exc:
        print(f"{command}: {exc}", file=sys.stderr)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        print(
            f"{command}: setting {where} (in {config_path()} or XAPP_{where.upper()}): "
            f"{problem['msg']}",
            file=sys.stderr,
        )
    return None


def _tui(args: argparse.Namespace) -> int:
    from xapp.alerts import Alerts
    from xapp.credentials import Credentials, system_keyring

    settings = _settings("xapp")
    if settings is None:
        return 2
    link = None
    if args.open:
        from xapp.api.links import LinkError, parse_any

        try:
            link = parse_any(args.open)
        except LinkError as exc:
            print(f"xapp: --open: {exc}", file=sys.stderr)
            return 2
    data_dir = Path(args.data_dir) if args.data_dir else settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=data_dir / "xapp.log",
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    server = args.server or settings.server
    if server:
        from xapp.api.prefetch import Prefetch, request_key

        credentials = Credentials(data_dir, find_keyring=system_keyring)
        # The first reads go out now, on a thread, while the UI's modules load.
        prefetched = Prefetch(server).start(
            lambda: (credentials.load(server) or ("", None))[1],
            [request_key("/v1/me", None), request_key("/v1/timelines/home", {"limit": 50})],
        )
        from xapp.app import XApp

        app = XApp(
            server=server,
            credentials=credentials,
            retype_above=settings.retype_above,
            alerts=Alerts(settings.alert_kinds()),
            prefetched=prefetched,
            open_link=link,
            keymap=settings.keys,
            theme=settings.theme,
        )
        app.run()
        return 0
    from xapp.embedded import AlreadyRunning, EmbeddedWorld  # loads the server's code

    try:
        world = EmbeddedWorld(data_dir, undo_seconds=settings.undo_seconds)
    except AlreadyRunning as exc:
        print(exc, file=sys.stderr)
        return 1
    from xapp.app import XApp

    try:
        XApp(
            embedded=world,
            retype_above=settings.retype_above,
            alerts=Alerts(settings.alert_kinds()),
            open_link=link,
            keymap=settings.keys,
            theme=settings.theme,
        ).run()
    finally:
        world.stop()
    return 0


def _serve(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from xapp.embedded import ServerThread
    from xapp.server import ServerSettings
    from xapp.server.processes import Supervisor, WorkersRefused, check, settle
    from xapp.server.signing import key_path

    # Only what was given on the command line (settings flags are absent otherwise): a
    # constructor argument beats the environment.
    given = {name: value for name, value in vars(args).items() if name in SERVE_SETTINGS}
    if given.get("demo"):
        given["demo_activity"] = True
    try:
        settings = ServerSettings(**given)
    except ValidationError as exc:  # flags are checked by argparse: this is the environment
        for error in exc.errors():
            name = "XAPP_SERVER_" + "_".join(str(part) for part in error["loc"]).upper()
            print(f"xapp serve: {name}: {error['msg']}", file=sys.stderr)
        return 2
    # stderr carries the logs, quiet unless asked (--log-level); stdout carries one line.
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    stop = threading.Event()
    try:
        check(settings, settings.workers)
        if settings.workers > 1:
            supervisor = Supervisor(settings, args.host, args.port, settings.workers)
            server: ServerThread | Supervisor = supervisor
            stop = supervisor.stopping
        else:
            server = ServerThread(settings, host=args.host, port=args.port)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        server.start()
    except WorkersRefused as exc:
        print(f"xapp serve: {exc}", file=sys.stderr)
        return 2
    except (OSError, RuntimeError) as exc:
        print(f"xapp serve: could not start: {exc}", file=sys.stderr)
        return 1
    settle()
    processes = f" · {settings.workers} processes" if settings.workers > 1 else ""
    print(
        f"xapp server ready on {server.url} · database {settings.database_shown}"
        f" · receipt key {key_path(settings.data_path)}{processes}",
        flush=True,
    )
    if isinstance(server, Supervisor):
        server.supervise()
    else:
        stop.wait()
    server.stop()
    return 0


def _audit(args: argparse.Namespace) -> int:
    from xapp.server.audit import audit
    from xapp.server.db import Database
    from xapp.server.settings import database_url

    if "://" not in args.db and not Path(args.db).exists():
        print(f"xapp audit: no database at {args.db}", file=sys.stderr)
        return 2

    async def run() -> bool:
        db = Database(database_url(args.db))
        try:
            report = await audit(db)
        finally:
            await db.close()
        print(report)
        return report.ok

    return 0 if asyncio.run(run()) else 1


def _verify_receipt(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from xapp.api.models import Receipt
    from xapp.api.money import format_amount
    from xapp.api.receipts import ReceiptInvalid, fingerprint, verify

    try:
        receipt = Receipt.model_validate_json(Path(args.file).read_bytes())
    except OSError as exc:
        print(f"xapp receipt: can't read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    except ValidationError:
        print(f"xapp receipt: {args.file} is not an xapp receipt", file=sys.stderr)
        return 2
    try:
        verify(receipt, args.key)
    except ReceiptInvalid as exc:
        print(f"INVALID receipt {args.file}: {exc}")
        return 1
    p = receipt.payload
    amount = format_amount(int(p["amount_minor"]), str(p["currency"]))
    print(
        f"Valid receipt: {amount} from {p['from']} to {p['to']} on {p['created_at']}\n"
        f"  transfer {p['transfer_id']} · {p['kind']} · note: {p['note'] or 'none'}\n"
        f"  signed by {p['issuer']} with key {fingerprint(receipt.public_key)}"
        + ("" if args.key else " (pass --key to require the server's key)")
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    """Write my statement between two dates as a file: from the server I signed in to
    (`--server`, with the session the app keeps), or from the local world when none is
    named (it is started for the export, unless the app is running on it)."""
    import datetime as dt

    from xapp.api.client import ApiClient
    from xapp.api.errors import ApiError
    from xapp.api.exports import render
    from xapp.credentials import Credentials, system_keyring

    settings = _settings("xapp export")
    if settings is None:
        return 2
    data_dir = Path(args.data_dir) if args.data_dir else settings.data_dir
    today = dt.datetime.now(dt.UTC).date()
    until = args.to or today
    since = args.since or until.replace(day=1)
    server = args.server or settings.server
    world = None
    if server:
        saved = Credentials(data_dir, find_keyring=system_keyring).load(server)
        if saved is None:
            print(
                f"xapp export: not signed in to {server}: run `xapp --server {server}`",
                file=sys.stderr,
            )
            return 1
        handle, token = saved
    else:
        from xapp.embedded import AlreadyRunning, EmbeddedWorld

        try:
            world = EmbeddedWorld(data_dir, activity_interval=0)
        except AlreadyRunning:
            print(
                "xapp export: xapp is running on this data folder; quit it first, or export "
                "from it with --server and its address",
                file=sys.stderr,
            )
            return 1
        server, token = world.start()
        handle = "you"

    async def fetch() -> str:
        async with ApiClient(server, token) as client:
            statement = await client.wallet.statement(since, until)
        return render(statement, args.format, f"@{handle}")

    try:
        text = asyncio.run(fetch())
    except ApiError as exc:
        print(f"xapp export: {exc.message}", file=sys.stderr)
        return 1
    finally:
        if world is not None:
            world.stop()
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}: {args.format}, {since} to {until}")
    return 0


def _config(args: argparse.Namespace) -> int:
    """Where the config file is, or open it in the person's editor (written first, every
    setting commented out, when there is none)."""
    import os
    import shlex
    import subprocess

    from xapp.config import TEMPLATE

    path = config_path()
    if args.action == "path":
        print(path)
        return 0
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(TEMPLATE, encoding="utf-8")
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        done = subprocess.call([*shlex.split(editor), str(path)])
    except OSError as exc:
        print(
            f"xapp config edit: cannot run {editor!r} ({exc.strerror}); edit {path}",
            file=sys.stderr,
        )
        return 1
    if done != 0:
        return done
    return 0 if _settings("xapp config edit") is not None else 1


def _web(args: argparse.Namespace) -> int:
    """Serve the app to browsers. Without --server the local demo world runs here, once,
    and every tab connects to it as the demo account (a tab of its own xapp would each
    want the data folder to itself)."""
    import ipaddress
    import shlex

    from textual_serve.server import Server

    from xapp.credentials import Credentials

    settings = _settings("xapp web")
    if settings is None:
        return 2
    data_dir = Path(args.data_dir) if args.data_dir else settings.data_dir
    server, world = args.server or settings.server, None
    tabs_dir = data_dir
    if not server:
        from xapp.embedded import AlreadyRunning, EmbeddedWorld

        try:
            world = EmbeddedWorld(data_dir, activity_interval=0)
        except AlreadyRunning as exc:
            print(f"xapp web: {exc}", file=sys.stderr)
            return 1
        server, token = world.start()
        tabs_dir = data_dir / "web"  # the demo account's session for every tab
        tabs_dir.mkdir(parents=True, exist_ok=True)
        Credentials(tabs_dir).save(server, "you", token, "file")
    try:
        loopback = ipaddress.ip_address(args.host).is_loopback
    except ValueError:
        loopback = args.host == "localhost"
    if not loopback:
        print(
            f"xapp web: listening on {args.host}: anyone who reaches it can use xapp as "
            "whoever signs in there; serve it behind HTTPS and a login.",
            file=sys.stderr,
        )
    command = shlex.join(
        [sys.executable, "-m", "xapp", "--server", server, "--data-dir", str(tabs_dir)]
    )
    shown = args.public_url or f"http://{args.host}:{args.port}"
    print(f"xapp web on {shown} · the app for each tab: {server}", flush=True)
    try:
        Server(
            command, host=args.host, port=args.port, title="xapp", public_url=args.public_url
        ).serve()
    finally:
        if world is not None:
            world.stop()
    return 0


def _admin(args: argparse.Namespace) -> int:
    """An operator's commands, on the database directly (as `xapp audit`): the review
    queue, approve or reject a held transfer, freeze or unfreeze an account. Each needs
    who and why, and lands in the append-only operator log."""
    from xapp.api.money import format_amount
    from xapp.server import operators
    from xapp.server.db import Database
    from xapp.server.errors import AppError
    from xapp.server.settings import database_url

    if "://" not in args.db and not Path(args.db).exists():
        print(f"xapp admin: no database at {args.db}", file=sys.stderr)
        return 2
    if args.action == "console":
        if not args.operator.strip():
            print("xapp admin console: say who is acting (--operator)", file=sys.stderr)
            return 2
        from xapp.operator_console import OperatorConsole

        OperatorConsole(args.db, args.operator).run()
        return 0

    async def run() -> None:
        db = Database(database_url(args.db))
        try:
            if args.action == "queue":
                async with db.read() as conn:
                    held = await operators.queue(conn)
                for h in held:
                    amount = format_amount(h.amount, h.currency)
                    print(f"{h.transfer_id}  {h.rule}  @{h.payer} → @{h.payee}  {amount}  {h.note}")
                if not held:
                    print("nothing is waiting for review")
                return
            async with db.write() as tx:
                if args.action in ("approve", "reject"):
                    await operators.decide(
                        tx, args.target, args.action == "approve", args.operator, args.reason
                    )
                else:
                    await operators.freeze(
                        tx, args.target, args.action == "freeze", args.operator, args.reason
                    )
            print(f"{args.action} {args.target}: done, logged")
        finally:
            await db.close()

    try:
        asyncio.run(run())
    except AppError as exc:
        print(f"xapp admin: {exc.message}", file=sys.stderr)
        return 1
    return 0


SERVE_SETTINGS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "db": (
        "SQLite file path or postgresql:// URL",
        "xapp.db in the platform's data folder (~/.local/share/xapp/server on Linux)",
        {},
    ),
    "workers": (
        "server processes sharing the port and the database (PostgreSQL only)",
        "1",
        {"type": int},
    ),
    "demo": ("seed and animate the demo world", "", {"is_flag": True, "default": None}),
    "undo_seconds": (
        "keep payments pending (cancellable) this long; 0 turns the undo window off",
        "0",
        {"type": float},
    ),
    "log_level": (
        "what to log to stderr",
        "WARNING",
        {"type": click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False)},
    ),
    "access_log": (
        "log every request, at INFO (paths without their query strings)",
        "",
        {"is_flag": True, "default": None},
    ),
    "tls_cert": ("serve HTTPS and WSS with this PEM certificate (chain)", "", {}),
    "tls_key": ("the certificate's private key (PEM)", "", {}),
    "docs": (
        "serve the interactive API docs at /docs and /redoc",
        "",
        {"is_flag": True, "default": None},
    ),
}
"""`xapp serve` flags, each for the `ServerSettings` field of its name: what it does,
the default it falls back to, and its click options. A flag not given is None (absent),
so the XAPP_SERVER_* variable, or the field's own default, applies to it (a constructor
argument beats the environment)."""


class _Date(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        import datetime as dt

        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date like 2026-11-30", param, ctx)


EXIT_CODES = """\b
Exit codes: 0 done · 1 refused or failed (a sentence on stderr says why) · 2 usage
(a flag, a setting or the config file is wrong)."""


@click.group(
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EXIT_CODES,
)
@click.version_option(__version__, prog_name="xapp", message="%(prog)s %(version)s")
@click.option("--server", help="a server URL; without it xapp runs a local demo server")
@click.option("--data-dir", help="folder for the local server's data and xapp's state")
@click.option(
    "--open",
    "open_link",
    metavar="LINK",
    help="a payment or invoice link (xapp://pay/@handle?amount=…&note=…): start paying "
    "it, through the usual confirmation",
)
@click.pass_context
def cli(
    ctx: click.Context, server: str | None, data_dir: str | None, open_link: str | None
) -> None:
    """Post, chat and pay from your terminal. Without a command: the app."""
    ctx.obj = argparse.Namespace(server=server, data_dir=data_dir)
    if ctx.invoked_subcommand is None:
        ctx.exit(_tui(argparse.Namespace(server=server, data_dir=data_dir, open=open_link)))


def _serve_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for name, (what, or_else, options) in reversed(SERVE_SETTINGS.items()):
        variable = f"XAPP_SERVER_{name.upper()}"
        default = f"{variable}, or {or_else}" if or_else else variable
        command = click.option(
            "--" + name.replace("_", "-"), help=f"{what} (default: {default})", **options
        )(command)
    return command


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8700, show_default=True)
@_serve_options
def serve(host: str, port: int, **settings: Any) -> None:
    """Run the xapp server."""
    given = {name: value for name, value in settings.items() if value is not None}
    if "log_level" in given:
        given["log_level"] = given["log_level"].upper()
    sys.exit(_serve(argparse.Namespace(host=host, port=port, **given)))


@cli.command()
@click.argument("action", type=click.Choice(["path", "edit"]))
def config(action: str) -> None:
    """The settings file: where it is (path), or open it in your editor (edit)."""
    sys.exit(_config(argparse.Namespace(action=action)))


@cli.command()
@click.option("--db", required=True, help="SQLite file path or database URL")
def audit(db: str) -> None:
    """Check the ledger's invariants."""
    sys.exit(_audit(argparse.Namespace(db=db)))


@cli.group()
def receipt() -> None:
    """Work with signed payment receipts."""


@receipt.command("verify")
@click.argument("file")
@click.option("--key", help="the server's public key (base64) to require, from /v1/receipts/key")
def verify_receipt(file: str, key: str | None) -> None:
    """Check a receipt's signature, offline."""
    sys.exit(_verify_receipt(argparse.Namespace(file=file, key=key)))


@cli.command()
@click.argument(
    "action", type=click.Choice(["queue", "approve", "reject", "freeze", "unfreeze", "console"])
)
@click.argument("target", default="")
@click.option("--db", required=True, help="SQLite file path or database URL")
@click.option("--operator", default="", help="who is acting (logged)")
@click.option("--reason", default="", help="why (logged)")
def admin(action: str, target: str, db: str, operator: str, reason: str) -> None:
    """Operators: the review queue, decisions, freezes (console: all of it in a terminal
    app). TARGET is a transfer id, or @handle."""
    args = argparse.Namespace(action=action, target=target, db=db, operator=operator, reason=reason)
    sys.exit(_admin(args))


@cli.command()
@click.option("--format", "format_", type=click.Choice(["csv", "beancount", "json"]), default="csv")
@click.option("--server", help="the server signed in to")
@click.option("--data-dir", help="xapp's data folder")
@click.option("--from", "since", type=_Date(), help="first day (UTC); default: the 1st")
@click.option("--to", type=_Date(), help="last day, included; default: today")
@click.option("-o", "--output", default="-", help="the file to write; - for stdout")
@click.pass_obj
def export(
    root: argparse.Namespace, format_: str, server: str | None, data_dir: str | None, **rest: Any
) -> None:
    """Write my statement as a file (CSV, beancount or JSON)."""
    args = argparse.Namespace(
        format=format_, server=server or root.server, data_dir=data_dir or root.data_dir, **rest
    )
    sys.exit(_export(args))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="the address to listen on")
@click.option("--port", type=int, default=8765, show_default=True)
@click.option("--public-url", help="the address people open, when a proxy is in front")
@click.pass_obj
def web(root: argparse.Namespace, host: str, port: int, public_url: str | None) -> None:
    """The app in a browser (textual-serve): each tab runs its own xapp. Anyone who can
    reach the address gets a terminal that is signed in as whoever signs in there, so it
    listens on loopback unless told otherwise; put it behind HTTPS and a login to share it."""
    sys.exit(_web(argparse.Namespace(host=host, port=port, public_url=public_url, **vars(root))))


def main(argv: list[str] | None = None) -> None:
    from xapp import scripting  # the account's commands: post, pay, balance, …

    scripting.register(cli)
    cli.main(args=argv, prog_name="xapp")
