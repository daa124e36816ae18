"""The operators' console (`xapp admin console --db … --operator NAME`): the review queue,
approve or reject a held transfer, freeze or unfreeze an account, and the operator log
as it grows, in a terminal.

Like `xapp admin`, it works on the database directly through `xapp.server.operators`
(the same functions, so the same rules: each action needs who and why, is decided once,
and lands in the hash-chained log). It is its own small App, not a screen of the
person's app: an operator's powers never sit one key away in a user's session.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Footer, Input, Label

from xapp.api.money import format_amount
from xapp.screens.form import FormModal
from xapp.server import operators
from xapp.server.db import Database
from xapp.server.errors import AppError
from xapp.server.settings import database_url
from xapp.widgets.clock import ago
from xapp.widgets.lines import ItemLines
from xapp.workers import worker

LOG_SHOWN = 50


class HeldList(ItemLines[operators.Held]):
    def item_id(self, item: operators.Held) -> str:
        return item.transfer_id

    def render_item(self, item: operators.Held, width: int) -> list[Content]:
        amount = format_amount(item.amount, item.currency)
        head = Content.assemble(
            (amount, "bold"), f"  @{item.payer} → @{item.payee}", ("  held by ", "dim"), item.rule
        )
        note = f"{item.note} · " if item.note else ""
        return [*head.wrap(width), Content.styled(f"{note}{item.transfer_id}", "dim"), Content("")]


class LogList(ItemLines[operators.Entry]):
    def item_id(self, item: operators.Entry) -> str:
        return str(item.seq)

    def render_item(self, item: operators.Entry, width: int) -> list[Content]:
        head = Content.assemble(
            (f"#{item.seq} ", "dim"),
            (item.action, "bold"),
            f" {item.target} by {item.operator}",
            (f" · {ago(item.at)}", "dim"),
        )
        return [*head.wrap(width), *Content.styled(f"  {item.reason}", "dim").wrap(width)]


class ReasonScreen(FormModal[tuple[str, str]]):
    """Why (and, to freeze, whom): every operator action is logged with its reason."""

    SUBMIT_LABEL = "Log and do it"

    def __init__(self, title: str, target: str | None = None) -> None:
        super().__init__()
        self.TITLE_TEXT = title
        self.target = target

    def compose_fields(self) -> ComposeResult:
        if self.target is None:
            yield Label("Account (@handle)")
            yield Input(id="target")
        yield Label("Reason (kept in the operator log)")
        yield Input(id="reason", max_length=500)

    def submit(self) -> None:
        target = self.target
        if target is None:
            target = self.query_one("#target", Input).value.strip()
        reason = self.query_one("#reason", Input).value.strip()
        if not target or not reason:
            self.show_error("Say whom and why: both are logged")
            return
        self.dismiss((target, reason))


class OperatorConsole(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "xapp operators"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "decide(True)", "Approve", id="console.approve"),
        Binding("r", "decide(False)", "Reject", id="console.reject"),
        Binding("f", "freeze(True)", "Freeze", id="console.freeze"),
        Binding("u", "freeze(False)", "Unfreeze", id="console.unfreeze"),
        Binding("g", "reload", "Reload", id="console.reload"),
        Binding("q,ctrl+q", "quit", "Quit", id="console.quit"),
    ]

    def __init__(self, db: str, operator: str) -> None:
        super().__init__()
        self.db = Database(database_url(db))
        self.operator = operator

    def compose(self) -> ComposeResult:
        yield Label(
            Content.assemble(("xapp operators", "bold"), f" · acting as {self.operator}"),
            id="console-title",
        )
        yield Label("Waiting for review", classes="pane-title")
        yield HeldList(id="held", empty="Nothing is waiting for review.")
        yield Label("Operator log, newest first", classes="pane-title")
        yield LogList(id="log", empty="No operator has acted yet.")
        yield Footer()

    @property
    def held(self) -> HeldList:
        return self.query_one(HeldList)

    def on_mount(self) -> None:
        self.held.focus()
        self.action_reload()

    async def on_unmount(self) -> None:
        await self.db.close()

    def action_reload(self) -> None:
        self._load()

    @worker(exclusive=True, group="load")
    async def _load(self) -> None:
        async with self.db.read() as conn:
            held = await operators.queue(conn)
            log = await operators.recent_log(conn, LOG_SHOWN)
        self.held.set_items(held)
        self.query_one(LogList).set_items(log)

    def action_decide(self, approve: bool) -> None:
        chosen = self.held.selected
        if chosen is None:
            return
        verb = "Approve" if approve else "Reject"
        amount = format_amount(chosen.amount, chosen.currency)
        title = f"{verb} {amount} from @{chosen.payer} to @{chosen.payee}"

        def answered(said: tuple[str, str] | None) -> None:
            if said is not None:
                self._act(verb.lower(), chosen.transfer_id, said[1])

        self.push_screen(ReasonScreen(title, chosen.transfer_id), answered)

    def action_freeze(self, frozen: bool) -> None:
        verb = "Freeze" if frozen else "Unfreeze"

        def answered(said: tuple[str, str] | None) -> None:
            if said is not None:
                self._act(verb.lower(), *said)

        self.push_screen(ReasonScreen(f"{verb} an account"), answered)

    @worker(group="act")
    async def _act(self, action: str, target: str, reason: str) -> None:
        try:
            async with self.db.write() as tx:
                if action in ("approve", "reject"):
                    await operators.decide(tx, target, action == "approve", self.operator, reason)
                else:
                    await operators.freeze(tx, target, action == "freeze", self.operator, reason)
        except AppError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        self.notify(f"{action.capitalize()} {target}: done and logged.", markup=False)
        self._load()
