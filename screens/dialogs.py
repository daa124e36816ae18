"""`Dialog`, the base every modal shares (its look is one rule in app.tcss, matched by
type, so each dialog needs no CSS of its own), and the small dialogs intents open:
confirm, a list to read, pick a reaction, search messages."""

from __future__ import annotations

from typing import ClassVar, TypeVar
from urllib.parse import urlsplit

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from xapp.api.errors import ApiError
from xapp.api.models import SearchHit
from xapp.session import Session
from xapp.widgets.clock import ago
from xapp.workers import worker

T = TypeVar("T")

QUICK_REACTIONS = ("👍", "❤️", "😂", "🎉", "😮", "😢")


def acting_as(session: Session) -> Label:
    """Which account a money screen acts as, and where: with several accounts signed in,
    money never leaves the wrong one unseen."""
    host = urlsplit(session.server).netloc or session.server
    return Label(
        Content.assemble(
            ("acting as ", "$text-muted"),
            (f"@{session.me.handle}", "bold"),
            (f" · {host}", "$text-muted"),
        ),
        classes="acting-as",
    )


class Dialog(ModalScreen[T]):
    """A modal drawn as a bordered box in the middle of the screen (`#dialog`)."""

    def dialog(self, *classes: str) -> Vertical:
        return Vertical(id="dialog", classes=" ".join(classes))


class ReactScreen(Dialog[str | None]):
    """Pick a reaction: one of the quick ones, or type any emoji."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="react.cancel")
    ]

    def compose(self) -> ComposeResult:
        with self.dialog():
            yield Label("React", classes="title")
            with Horizontal(classes="buttons"):
                for index, emoji in enumerate(QUICK_REACTIONS):
                    yield Button(emoji, id=f"emoji-{index}")
            yield Input(placeholder="or type one and press enter", id="other", max_length=16)

    def on_mount(self) -> None:
        self.query_one("#emoji-0", Button).focus()

    @on(Button.Pressed)
    def _picked(self, event: Button.Pressed) -> None:
        self.dismiss(str(event.button.label))

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)


class ConfirmScreen(Dialog[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "dismiss(False)", "No", id="confirm.no"),
        Binding("y", "dismiss(True)", "Yes", id="confirm.yes"),
    ]

    def __init__(self, question: str, yes: str) -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with self.dialog():
            yield Label(Content(self.question), classes="title")
            with Horizontal(classes="buttons"):
                yield Button("Cancel (n)", id="no")
                yield Button(f"{self.yes} (y)", variant="error", id="yes")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class ListScreen(Dialog[None]):
    """A titled list of lines to read (who has read a message, a post's edits)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss(None)", "Close", id="list.close")
    ]

    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines

    def compose(self) -> ComposeResult:
        with self.dialog():
            yield Label(Content(self.title_text), classes="title")
            yield Static(Content("\n".join(self.lines) or "nobody yet"))
            yield Label("esc closes", classes="hint")


class MessageSearchScreen(Dialog[SearchHit | None]):
    """Search messages, here or in every conversation; enter jumps to the hit."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close", id="message-search.close")
    ]

    def __init__(self, session: Session, conversation_id: str | None, where: str) -> None:
        super().__init__()
        self.session = session
        self.conversation_id = conversation_id
        self.where = where
        self.hits: list[SearchHit] = []

    def compose(self) -> ComposeResult:
        with self.dialog("wide"):
            yield Label(Content(f"Search {self.where}"), classes="title")
            yield Input(placeholder="words to find (enter searches)", id="query")
            yield Label("", id="summary", classes="hint")
            yield OptionList(id="hits")

    @on(Input.Submitted)
    def _search(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.run_search(event.value.strip())

    @worker(exclusive=True)
    async def run_search(self, words: str) -> None:
        try:
            page = await self.session.client.chat.search(words, self.conversation_id)
        except ApiError as exc:
            self.query_one("#summary", Label).update(Content(exc.message))
            return
        self.hits = page.items
        hits = self.query_one("#hits", OptionList)
        hits.clear_options()
        hits.add_options(
            Option(
                Content.from_markup(
                    "[bold]$who[/bold] [dim]in $where · $when[/dim]\n$text",
                    who=hit.message.sender.display_name,
                    where=hit.conversation.name
                    or ", ".join(m.handle for m in hit.conversation.members),
                    when=ago(hit.message.created_at),
                    text=hit.message.text.replace("\n", " ")[:100],
                ),
                id=str(index),
            )
            for index, hit in enumerate(self.hits)
        )
        count = len(self.hits)
        self.query_one("#summary", Label).update(
            Content(f"{count}{'+' if page.next else ''} found · enter jumps to one")
            if count
            else Content("Nothing found")
        )
        if count:
            hits.focus()

    @on(OptionList.OptionSelected)
    def _jump(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.hits[int(event.option.id or 0)])
