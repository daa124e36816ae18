"""A list of people (someone's followers, whom they follow): enter opens a profile."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Label

from xapp.api.models import Account
from xapp.screens.dialogs import Dialog
from xapp.widgets.lines import ItemLines


class PeopleList(ItemLines[Account]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.open", "Profile", id="people.open", tooltip="their profile")
    ]

    def item_id(self, item: Account) -> str:
        return item.id

    def render_item(self, item: Account, width: int) -> list[Content]:
        return [Content.assemble((item.display_name, "bold"), (f" @{item.handle}", "dim"))]


class PeopleScreen(Dialog[Account | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss(None)", "Close", id="people.close")
    ]

    def __init__(self, title: str, people: list[Account], more: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.people = people
        self.more = more

    def compose(self) -> ComposeResult:
        with self.dialog():
            yield Label(Content(self.title_text), classes="title")
            yield PeopleList(id="people", empty="Nobody yet.")
            hint = "enter opens a profile · esc closes"
            yield Label(hint + (" · the first 50 are shown" if self.more else ""), classes="hint")

    def on_mount(self) -> None:
        people = self.query_one(PeopleList)
        people.set_items(self.people)
        people.focus()

    def action_open(self) -> None:
        self.dismiss(self.query_one(PeopleList).selected)
