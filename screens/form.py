"""`FormModal`: the shape every dialog shares. The network call runs in a worker while the
dialog stays open; a failure shows the server's sentence and leaves every field as the
user typed it (DESIGN.md principles 7 and 10)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from xapp.api.errors import ApiError

T = TypeVar("T")
R = TypeVar("R")


class FormModal(ModalScreen[T]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    FormModal { align: center middle; }
    FormModal > #dialog {
        width: 64; height: auto; max-height: 95%; overflow-y: auto;
        border: thick $accent; background: $surface; padding: 1 2;
    }
    FormModal .title { text-style: bold; margin-bottom: 1; }
    FormModal .hint { color: $text-muted; width: 1fr; }
    FormModal #error { color: $error; width: 1fr; height: auto; margin-top: 1; }
    FormModal .buttons { height: auto; margin-top: 1; align-horizontal: right; }
    FormModal .buttons Button { margin-left: 1; }
    """

    TITLE_TEXT = ""
    SUBMIT_LABEL = "OK"

    def compose_fields(self) -> ComposeResult:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.TITLE_TEXT, classes="title")
            yield from self.compose_fields()
            yield Label("", id="error")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(self.SUBMIT_LABEL, variant="primary", id="submit")

    def submit(self) -> None:
        raise NotImplementedError

    def close_with(self, result: T | None) -> None:
        """Close with `result` once a nested dialog produced one; stay open for None.
        (Returns nothing on purpose: Textual awaits what a screen callback returns, and a
        screen may not await its own dismissal.)"""
        if result is not None:
            self.dismiss(result)

    def show_error(self, message: str) -> None:
        self.query_one("#error", Label).update(Content(message))

    @on(Button.Pressed, "#submit")
    @on(Input.Submitted)
    def _submit(self) -> None:
        self.show_error("")
        self.submit()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def call(self, request: Callable[[], Awaitable[R]], then: Callable[[R], Any]) -> None:
        """Run `request` in a worker; on success pass its result to `then`."""
        self._call(request, then)

    @work(exclusive=True, exit_on_error=False, group="form")
    async def _call(
        self, request: Callable[[], Awaitable[Any]], then: Callable[[Any], Any]
    ) -> None:
        submit = self.query_one("#submit", Button)
        submit.disabled = True
        try:
            result = await request()
        except ApiError as exc:
            self.show_error(exc.message)
            return
        finally:
            submit.disabled = False
        then(result)
