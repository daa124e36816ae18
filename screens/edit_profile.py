"""Editing my own profile: display name and bio. A refusal (too long, empty name) shows
the server's sentence and keeps both fields as typed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Label, TextArea

from xapp.api.models import Profile
from xapp.screens.form import FormModal
from xapp.session import Session


class EditProfileScreen(FormModal[Profile]):
    TITLE_TEXT = "Edit your profile"
    SUBMIT_LABEL = "Save"

    def __init__(self, session: Session, profile: Profile) -> None:
        super().__init__()
        self.session = session
        self.profile = profile

    def compose_fields(self) -> ComposeResult:
        yield Label("Display name")
        yield Input(self.profile.account.display_name, id="name")
        yield Label("Bio (up to 300 characters; ctrl+s saves)")
        yield TextArea(self.profile.bio, id="bio", soft_wrap=True)

    def key_ctrl_s(self) -> None:
        self._submit()

    def submit(self) -> None:
        name = self.query_one("#name", Input).value
        bio = self.query_one("#bio", TextArea).text
        self.call(lambda: self.session.client.accounts.edit_profile(name, bio), self._saved)

    def _saved(self, profile: Profile) -> None:
        self.session.me = self.session.me.model_copy(
            update={"display_name": profile.account.display_name}
        )
        self.app.notify("Profile saved.")
        self.dismiss(profile)
