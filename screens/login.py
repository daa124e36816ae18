"""Sign in to a server, or create an account on it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label

from xapp.api.client import ApiClient
from xapp.api.errors import ApiError
from xapp.api.handles import normalize_handle
from xapp.session import Session, open_session
from xapp.workers import worker


class LoginScreen(Screen[None]):
    class SignedIn(Message):
        def __init__(self, session: Session, device: str | None = None) -> None:
            """`device`: a new device secret the server gave, to keep for next time."""
            super().__init__()
            self.session = session
            self.device = device

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back", id="login.back", tooltip="back to the account in use")
    ]

    def __init__(
        self,
        server: str,
        handle: str = "",
        notice: str = "",
        can_cancel: bool = False,
        devices: Callable[[str], str | None] | None = None,
    ) -> None:
        """`can_cancel`: signing in to one more account, over the one in use (esc goes
        back to it). `devices`: this machine's device secret for a handle, if it has one
        (read off the event loop: it may be in the keyring)."""
        super().__init__()
        self.devices = devices
        self.server = server
        self.handle = handle
        self.notice = notice
        self.can_cancel = can_cancel

    def action_cancel(self) -> None:
        if self.can_cancel:
            self.dismiss()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.can_cancel if action == "cancel" else True

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="form"):
            yield Label(f"Sign in to {self.server}", classes="title")
            yield Input(value=self.handle, placeholder="handle", id="handle")
            yield Input(placeholder="password", password=True, id="password")
            yield Input(placeholder="display name (new accounts only)", id="display_name")
            yield Label(self.notice, id="error")
            with Horizontal(classes="buttons"):
                yield Button("Sign in", variant="primary", id="sign-in")
                yield Button("Create account", id="register")
            yield Label("New here? Fill in all three fields and create an account.", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#password" if self.handle else "#handle", Input).focus()

    def _value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    @on(Input.Submitted)
    @on(Button.Pressed, "#sign-in")
    def _sign_in(self) -> None:
        self._go(register=False)

    @on(Button.Pressed, "#register")
    def _register(self) -> None:
        self._go(register=True)

    def _go(self, register: bool) -> None:
        error = self.query_one("#error", Label)
        try:
            handle = normalize_handle(self._value("handle"))
        except ValueError as exc:
            error.update(Content(f"Handle: {exc}"))
            return
        if not self._value("password"):
            error.update("Enter your password")
            return
        if register and not self._value("display_name").strip():
            error.update("A new account needs a display name")
            return
        error.update("Signing in…")
        self._authenticate(handle, self._value("password"), self._value("display_name"), register)

    @worker(exclusive=True)
    async def _authenticate(
        self, handle: str, password: str, display_name: str, register: bool
    ) -> None:
        error = self.query_one("#error", Label)
        try:
            async with ApiClient(self.server) as anonymous:
                if register:
                    await anonymous.accounts.register(handle, display_name, password)
                device = await asyncio.to_thread(self.devices, handle) if self.devices else None
                created = await anonymous.accounts.login(handle, password, device)
            session = await open_session(self.server, created.token)
        except ApiError as exc:
            error.update(Content(exc.message))
            return
        self.post_message(self.SignedIn(session, created.device))
