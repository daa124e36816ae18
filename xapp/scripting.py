"""The account's commands for scripts and quick use: `xapp post`, `reply`, `timeline`,
`send`, `pay`, `request`, `balance`, `history`, `notifications`, `login`, `logout`,
`whoami`, and `completion` for the shell.

Each speaks to the server the app would (`--server`, the config file's `[server] url`,
or the local demo world) as the account signed in there, through the same SDK the app
uses. Output is for people by default; `--json` prints the wire models (one object, or
JSON lines for lists) with their stable field names. Text given as `-` is read from
stdin.

Money from a script stays safe: the PIN comes from `XAPP_PIN`, `--pin-fd N` (a file
descriptor, so it never sits in an argument or the shell's history) or a hidden prompt,
never an argument; a payment prints what it will do (the server's own preview) and asks
unless `--yes`; `--idempotency-key` lets a script retry without paying twice.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import BaseModel

from xapp.api.client import ApiClient
from xapp.api.errors import ApiError
from xapp.api.models import Money, Post, Transfer
from xapp.api.money import AmountError, format_amount, parse_amount
from xapp.config import ClientSettings, ConfigError

T = TypeVar("T")

JSON = click.option("--json", "as_json", is_flag=True, help="print JSON (lines for lists)")


class Refused(click.ClickException):
    """A sentence on stderr and exit code 1: the server, or xapp, said no."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(f"xapp: {self.message}", err=True)


class Where:
    """Which server and folder a command acts on, from the root's options, the config
    file and the environment."""

    def __init__(self, ctx: click.Context) -> None:
        root = ctx.find_root().obj
        try:
            settings = ClientSettings.load()
        except (ConfigError, ValueError) as exc:
            raise click.UsageError(str(exc)) from exc
        self.data_dir = Path(root.data_dir) if root.data_dir else settings.data_dir
        self.server: str | None = root.server or settings.server

    def credentials(self) -> Any:
        from xapp.credentials import Credentials, system_keyring

        return Credentials(self.data_dir, find_keyring=system_keyring)

    @asynccontextmanager
    async def client(self) -> AsyncIterator[ApiClient]:
        """A client signed in as the account kept for the server; the local demo world
        (started for the command) when no server is named."""
        if self.server:
            saved = await asyncio.to_thread(self.credentials().load, self.server)
            if saved is None:
                raise Refused(f"not signed in to {self.server}: xapp login HANDLE --server URL")
            async with ApiClient(self.server, saved[1]) as client:
                yield client
            return
        from xapp.embedded import AlreadyRunning, EmbeddedWorld

        try:
            world = EmbeddedWorld(self.data_dir, activity_interval=0)
        except AlreadyRunning as exc:
            raise Refused(str(exc)) from exc
        try:
            url, token = await asyncio.to_thread(world.start)
            async with ApiClient(url, token) as client:
                yield client
        finally:
            await asyncio.to_thread(world.stop)


def _run(where: Where, act: Callable[[ApiClient], Awaitable[T]]) -> T:
    """Run `act` with a signed-in client; a refusal is a sentence and exit code 1."""

    async def run() -> T:
        async with where.client() as client:
            return await act(client)

    try:
        return asyncio.run(run())
    except ApiError as exc:
        raise Refused(exc.message) from exc


def _text(given: str) -> str:
    """The text argument, or stdin for `-`."""
    return sys.stdin.read().rstrip("\n") if given == "-" else given


def _amount(text: str, currency: str) -> Money:
    try:
        return Money(amount=parse_amount(text, currency.upper()), currency=currency.upper())
    except AmountError as exc:
        raise click.BadParameter(str(exc), param_hint="AMOUNT") from exc


def _emit(
    models: BaseModel | Iterable[BaseModel], as_json: bool, human: Callable[[Any], str]
) -> None:
    items = [models] if isinstance(models, BaseModel) else list(models)
    for item in items:
        click.echo(item.model_dump_json() if as_json else human(item))


def _money(money: Money) -> str:
    return format_amount(money.amount, money.currency)


def _post_line(post: Post) -> str:
    head = f"{post.author.display_name} @{post.author.handle} · {post.created_at:%Y-%m-%d %H:%M}"
    return f"{head} · {post.id}\n{post.text}\n"


def _transfer_line(transfer: Transfer) -> str:
    who = transfer.recipient if transfer.sender is None else transfer.sender
    arrow = f"→ @{transfer.recipient.handle}" if transfer.sender else "←"
    if transfer.sender is not None and who is not transfer.recipient:
        arrow = f"@{transfer.sender.handle} → @{transfer.recipient.handle}"
    note = f" · {transfer.note}" if transfer.note else ""
    return (
        f"{transfer.created_at:%Y-%m-%d %H:%M}  {_money(transfer.amount):>12}  {transfer.kind}"
        f"  {arrow}  {transfer.status}{note}"
    )


def _pin(pin_fd: int | None) -> str | None:
    """The PIN from a file descriptor, `XAPP_PIN`, or a hidden prompt (a terminal only)."""
    if pin_fd is not None:
        with os.fdopen(pin_fd, closefd=False) as source:
            return source.readline().strip()
    if pin := os.environ.get("XAPP_PIN"):
        return pin
    if sys.stdin.isatty():
        return str(click.prompt("Payments PIN", hide_input=True))
    raise Refused("this payment needs your payments PIN: set XAPP_PIN or pass --pin-fd N")


def register(cli: click.Group) -> None:
    """Add the account's commands to the root command."""
    for command in (
        login,
        logout,
        whoami,
        post,
        reply,
        timeline,
        send,
        pay,
        request,
        balance,
        history,
        notifications,
        completion,
    ):
        cli.add_command(command)


# --- signing in ---------------------------------------------------------------------------


@click.command()
@click.argument("handle")
@click.option("--password-stdin", is_flag=True, help="read the password from stdin")
@click.option(
    "--store",
    type=click.Choice(["keyring", "file"]),
    default="keyring",
    show_default=True,
    help="where the session token is kept (file: a 0600 file in the data folder)",
)
@click.pass_context
def login(ctx: click.Context, handle: str, password_stdin: bool, store: str) -> None:
    """Sign in to the server (--server, or the config file's) and keep the session."""
    where = Where(ctx)
    if not where.server:
        raise click.UsageError("say which server: xapp --server URL login HANDLE")
    server = where.server
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = str(click.prompt("Password", hide_input=True))
    credentials = where.credentials()
    if store == "keyring" and not credentials.has_keyring:
        raise Refused(
            "no OS keyring here; --store file keeps the token in a file only you can read"
        )

    who = handle.removeprefix("@")
    device = credentials.device(server, who)

    async def sign_in() -> tuple[str, str | None]:
        async with ApiClient(server) as client:
            session = await client.accounts.login(who, password, device)
            return session.token, session.device

    try:
        token, new_device = asyncio.run(sign_in())
    except ApiError as exc:
        raise Refused(exc.message) from exc
    credentials.save(server, who, token, store)
    if new_device is not None:
        credentials.save_device(server, who, new_device, store)
    click.echo(f"signed in to {server} as @{handle.removeprefix('@')}")


@click.command()
@click.pass_context
def logout(ctx: click.Context) -> None:
    """End the session on the server and forget its token here."""
    where = Where(ctx)
    if not where.server:
        raise click.UsageError("the local demo account stays signed in")
    _run(where, lambda client: client.accounts.logout())
    where.credentials().forget(where.server)
    click.echo(f"signed out of {where.server}")


@click.command()
@JSON
@click.pass_context
def whoami(ctx: click.Context, as_json: bool) -> None:
    """Who this machine is signed in as, and where."""
    where = Where(ctx)
    me = _run(where, lambda client: client.accounts.me())
    place = where.server or "the local demo world"
    _emit(me, as_json, lambda m: f"@{m.handle} ({m.display_name}) on {place}")


# --- posts and messages ------------------------------------------------------------------------


@click.command()
@click.argument("text")
@JSON
@click.pass_context
def post(ctx: click.Context, text: str, as_json: bool) -> None:
    """Post TEXT (- reads it from stdin)."""
    made = _run(Where(ctx), lambda client: client.posts.create(_text(text)))
    _emit(made, as_json, lambda p: f"posted {p.id}")


@click.command()
@click.argument("post_id")
@click.argument("text")
@JSON
@click.pass_context
def reply(ctx: click.Context, post_id: str, text: str, as_json: bool) -> None:
    """Reply to post POST_ID with TEXT (- reads it from stdin)."""
    made = _run(Where(ctx), lambda client: client.posts.create(_text(text), reply_to=post_id))
    _emit(made, as_json, lambda p: f"replied {p.id}")


@click.command()
@click.option("--limit", type=click.IntRange(1, 100), default=20, show_default=True)
@JSON
@click.pass_context
def timeline(ctx: click.Context, limit: int, as_json: bool) -> None:
    """The home timeline, newest first."""
    page = _run(Where(ctx), lambda client: client.posts.home_timeline(limit=limit))
    _emit(page.items, as_json, _post_line)


@click.command()
@click.argument("handle")
@click.argument("text")
@JSON
@click.pass_context
def send(ctx: click.Context, handle: str, text: str, as_json: bool) -> None:
    """Message @HANDLE (TEXT, or - for stdin)."""
    body = _text(text)

    async def act(client: ApiClient) -> Any:
        conversation = await client.chat.open(handle.removeprefix("@"))
        return await client.chat.send(conversation.id, body)

    sent = _run(Where(ctx), act)
    _emit(sent, as_json, lambda m: f"sent to @{handle.removeprefix('@')}")


# --- money ----------------------------------------------------------------------------------


@click.command()
@click.argument("handle")
@click.argument("amount")
@click.option("--currency", default="USD", show_default=True)
@click.option("--note", default="")
@click.option("--yes", is_flag=True, help="pay without asking (after the preview is shown)")
@click.option("--idempotency-key", help="the same key again never pays twice")
@click.option("--pin-fd", type=int, help="read the payments PIN from this file descriptor")
@JSON
@click.pass_context
def pay(
    ctx: click.Context,
    handle: str,
    amount: str,
    currency: str,
    note: str,
    yes: bool,
    idempotency_key: str | None,
    pin_fd: int | None,
    as_json: bool,
) -> None:
    """Pay @HANDLE AMOUNT: shows what the server will do, asks, then pays."""
    money = _amount(amount, currency)
    to = handle.removeprefix("@")

    async def act(client: ApiClient) -> Transfer:
        preview = await client.wallet.preview_payment(to, money, note)
        me = await client.accounts.me()
        said = f"Pay @{preview.payee.handle} ({preview.payee.display_name}) {_money(money)}"
        said += f" from @{me.handle}" + (f" · {note}" if note else "")
        click.echo(said, err=True)
        if preview.first_payment:
            click.echo(f"You have never paid @{preview.payee.handle} before.", err=True)
        if not yes:
            if not sys.stdin.isatty():
                raise Refused("not paid: add --yes to pay without being asked")
            if not click.confirm("Pay?", err=True):
                raise Refused("not paid")
        pin = _pin(pin_fd) if me.has_pin else None
        return await client.wallet.pay(to, money, note, idempotency_key, pin=pin)

    paid = _run(Where(ctx), act)
    _emit(
        paid,
        as_json,
        lambda t: f"paid {_money(t.amount)} to @{t.recipient.handle} · {t.status} · {t.id}",
    )


@click.command()
@click.argument("handle")
@click.argument("amount")
@click.option("--currency", default="USD", show_default=True)
@click.option("--note", default="")
@click.option("--idempotency-key", help="the same key again never asks twice")
@JSON
@click.pass_context
def request(
    ctx: click.Context,
    handle: str,
    amount: str,
    currency: str,
    note: str,
    idempotency_key: str | None,
    as_json: bool,
) -> None:
    """Ask @HANDLE for AMOUNT."""
    money = _amount(amount, currency)
    to = handle.removeprefix("@")
    bill = _run(Where(ctx), lambda client: client.bills.request([to], money, note, idempotency_key))
    _emit(bill, as_json, lambda b: f"asked @{to} for {_money(money)} · {b.id}")


@click.command()
@JSON
@click.pass_context
def balance(ctx: click.Context, as_json: bool) -> None:
    """Cash per currency, savings, and money on its way."""
    wallet = _run(Where(ctx), lambda client: client.wallet.balances())

    def human(w: Any) -> str:
        lines = [f"{_money(m):>14}  cash" for m in w.balances] or ["         $0.00  cash"]
        if w.savings is not None:
            lines.append(f"{_money(w.savings):>14}  savings")
        lines += [f"{_money(m):>14}  on its way from your bank" for m in w.pending]
        lines += [f"{_money(m):>14}  on its way to your bank" for m in w.held]
        return "\n".join(lines)

    _emit(wallet, as_json, human)


@click.command()
@click.option("--limit", type=click.IntRange(1, 100), default=20, show_default=True)
@click.option("--direction", type=click.Choice(["in", "out"]))
@click.option("--with", "with_", metavar="HANDLE", help="only money to or from this person")
@click.option("--kind", help="payment, request, tip, refund, deposit, withdrawal, …")
@click.option("--search", "q", help="words in the note")
@JSON
@click.pass_context
def history(
    ctx: click.Context,
    limit: int,
    direction: str | None,
    with_: str | None,
    kind: str | None,
    q: str | None,
    as_json: bool,
) -> None:
    """Money in and out, newest first."""
    page = _run(
        Where(ctx),
        lambda client: client.wallet.history(
            limit=limit,
            direction=direction,
            with_=with_.removeprefix("@") if with_ else None,
            kind=kind,
            q=q,
        ),
    )
    _emit(page.items, as_json, _transfer_line)


@click.command()
@click.option("--limit", type=click.IntRange(1, 100), default=20, show_default=True)
@JSON
@click.pass_context
def notifications(ctx: click.Context, limit: int, as_json: bool) -> None:
    """Mentions, replies, likes, follows and money news, newest first."""
    page = _run(Where(ctx), lambda client: client.notifications.list(limit=limit))

    def human(n: Any) -> str:
        detail = f" · {n.detail}" if n.detail else ""
        return f"{n.created_at:%Y-%m-%d %H:%M}  @{n.actor.handle} {n.kind}{detail}"

    _emit(page.items, as_json, human)


# --- the shell ---------------------------------------------------------------------------------


@click.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the completion script for SHELL: eval "$(xapp completion bash)"."""
    from click.shell_completion import get_completion_class

    completer = get_completion_class(shell)
    assert completer is not None
    click.echo(completer(ctx.find_root().command, {}, "xapp", "_XAPP_COMPLETE").source())
