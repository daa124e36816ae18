"""Small dialogs the chat opens: react, confirm a delete, who has read, search, help."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
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

QUICK_REACTIONS = ("👍", "❤️", "😂", "🎉", "😮", "😢")

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 72; height: auto; max-height: 90%;
    border: thick $accent; background: $surface; padding: 1 2;
}}
{name} .title {{ text-style: bold; margin-bottom: 1; }}
{name} Horizontal {{ height: auto; }}
{name} Horizontal Button {{ margin-right: 1; min-width: 6; }}
"""


class ReactScreen(ModalScreen[str | None]):
    """Pick a reaction: one of the quick ones, or type any emoji."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]
    DEFAULT_CSS = DIALOG_CSS.format(name="ReactScreen")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("React", classes="title")
            with Horizontal():
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


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "dismiss(False)", "No"),
        Binding("y", "dismiss(True)", "Yes"),
    ]
    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmScreen")

    def __init__(self, question: str, yes: str) -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(self.question), classes="title")
            with Horizontal():
                yield Button("Cancel (n)", id="no")
                yield Button(f"{self.yes} (y)", variant="error", id="yes")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class ListScreen(ModalScreen[None]):
    """A titled list of lines to read (who has read a message)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "dismiss(None)", "Close")]
    DEFAULT_CSS = DIALOG_CSS.format(name="ListScreen")

    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(self.title_text), classes="title")
            yield Static(Content("\n".join(self.lines) or "nobody yet"))
            yield Label("esc closes", classes="hint")


class SearchScreen(ModalScreen[SearchHit | None]):
    """Search messages, here or in every conversation; enter jumps to the hit."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Close")]
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="SearchScreen")
        + """
    SearchScreen OptionList { height: auto; max-height: 20; margin-top: 1; }
    """
    )

    def __init__(self, session: Session, conversation_id: str | None, where: str) -> None:
        super().__init__()
        self.session = session
        self.conversation_id = conversation_id
        self.where = where
        self.hits: list[SearchHit] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(f"Search {self.where}"), classes="title")
            yield Input(placeholder="words to find (enter searches)", id="query")
            yield Label("", id="summary", classes="hint")
            yield OptionList(id="hits")

    @on(Input.Submitted)
    def _search(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.run_search(event.value.strip())

    @work(exclusive=True, exit_on_error=False)
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


HELP = """\
[b]Everywhere[/b]
  n new post · m message someone · p pay · R request money · $ tip a post
  u undo a pending payment · N notifications · K bookmarks · 1 2 3 panes · ? this help
  ctrl+q quit
[b]Timeline[/b] (the timeline focused)
  j / k or ↓ / ↑ move · g / G first / last (new posts wait above until g)
  enter thread · / search (words, #hashtag, a name) · l like · b repost
  B bookmark · r reply · q quote · e edit · d delete (my posts) · H edits
  f follow / unfollow the author · P the author's profile
  (on a profile: f follow · F followers · T following · E edit mine · esc back)
[b]Thread[/b]  enter opens a reply's thread (or its "more replies") · esc back
[b]Chat[/b]
  enter send · ctrl+down / ctrl+up next / previous unread conversation · ctrl+f search
  in the message box: /pay 12.50 note · /request 20 note · /split 90 note · /receipts off
[b]On a message[/b] (the message list focused)
  R reply · + react · e edit · d delete (for everyone) · v who has read it
  ctrl+r retry a failed message · r remind a bill's payers
[b]Wallet[/b]
  enter pay a request · d decline · x cancel · r remind · b refund · s receipt
  f filter history · e tip earnings
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss(None)", "Close")
    ]
    DEFAULT_CSS = DIALOG_CSS.format(name="HelpScreen").replace("width: 72", "width: 96")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Keys", classes="title")
            yield Static(Content.from_markup(HELP))
            yield Label("esc closes", classes="hint")
