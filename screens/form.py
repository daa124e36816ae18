"""`FormModal`: the shape every dialog shares. The network call runs in a worker while the
dialog stays open; a failure shows the server's sentence and leaves every field as the
user typed it (DESIGN.md principles 7 and 10)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Input, Label

from xapp.api.errors import ApiError, ServerUnavailable
from xapp.screens.dialogs import Dialog, acting_as
from xapp.workers import worker

T = TypeVar("T")
R = TypeVar("R")


class FormModal(Dialog[T]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form.cancel")
    ]

    TITLE_TEXT = ""
    SUBMIT_LABEL = "OK"
    MONEY: ClassVar[bool] = False
    """A dialog about money: it says which account it acts as (`acting_as`)."""
    _busy = False
    _again = False

    def compose_fields(self) -> ComposeResult:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with self.dialog():
            yield Label(self.TITLE_TEXT, classes="title")
            if self.MONEY:
                yield acting_as(getattr(self, "session"))  # noqa: B009 (every money form has one)
            yield from self.compose_fields()
            yield Label("", id="error", classes="-empty")  # takes no rows until it speaks
            with Horizontal(classes="buttons form-buttons"):
                yield from self.compose_buttons()
                yield Button("Cancel", id="cancel")
                yield Button(self.SUBMIT_LABEL, variant="primary", id="submit")

    def compose_buttons(self) -> ComposeResult:
        """Buttons before Cancel and the submit button (a second way to submit)."""
        yield from ()

    def submit(self) -> None:
        raise NotImplementedError

    def close_with(self, result: T | None) -> None:
        """Close with `result` once a nested dialog produced one; stay open for None.
        (Returns nothing on purpose: Textual awaits what a screen callback returns, and a
        screen may not await its own dismissal.)"""
        if result is not None:
            self.dismiss(result)

    def show_error(self, message: str) -> None:
        error = self.query_one("#error", Label)
        error.update(Content(message))
        error.set_class(not message, "-empty")

    @on(Button.Pressed, "#submit")
    @on(Input.Submitted)
    def _submit(self) -> None:
        if self._busy:
            # Typed ahead while the last try was on its way (a PIN again after a wrong
            # one): tried as soon as that one is answered, never dropped.
            self._again = True
            return
        self.show_error("")
        self.submit()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def call(self, request: Callable[[], Awaitable[R]], then: Callable[[R], Any]) -> None:
        """Run `request` in a worker; on success pass its result to `then`."""
        self._call(request, then)

    @worker(exclusive=True, group="form")
    async def _call(
        self, request: Callable[[], Awaitable[Any]], then: Callable[[Any], Any]
    ) -> None:
        submit = self.query_one("#submit", Button)
        submit.disabled = True
        self._busy, self._again = True, False
        try:
            result = await request()
        except ApiError as exc:
            self.show_error(self.explain(exc))
            if self._again:
                self.call_after_refresh(self._submit)
            return
        finally:
            submit.disabled = False
            self._busy = False
        then(result)

    def explain(self, error: ApiError) -> str:
        """The sentence a failure shows (a dialog may know better than the server)."""
        if isinstance(error, ServerUnavailable):
            return f"{error.message}. Everything you typed is kept; trying again is safe."
        return error.message
