"""Search: type words, a #hashtag or a name; people come first, then posts newest first.
Enter on a post opens its thread; nearing the end of the posts loads more."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Label

from xapp import intents
from xapp.api.errors import ApiError
from xapp.api.models import Account, Post
from xapp.session import Session
from xapp.widgets.lines import ItemLines
from xapp.widgets.timeline import post_lines
from xapp.workers import worker

Found = Account | Post


class Results(ItemLines[Found]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.open", "Open", id="search.open", tooltip="a post's thread")
    ]

    def item_id(self, item: Found) -> str:
        return f"{type(item).__name__}:{item.id}"

    def render_item(self, item: Found, width: int) -> list[Content]:
        if isinstance(item, Account):
            line = Content.assemble(
                ("👤 ", "dim"), (item.display_name, "bold"), (f" @{item.handle}", "dim")
            )
            return [line, Content("")]
        return post_lines(item, width)


class SearchScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="search.back", tooltip="back"),
        Binding("down", "to_results", "Results", show=False, id="search.results"),
    ]

    def __init__(self, session: Session, query: str = "") -> None:
        super().__init__()
        self.session = session
        self.query_text = query
        self.next: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="search-pane", classes="screen-pane"):
            yield Label("Search", classes="pane-title")
            yield Input(self.query_text, placeholder="words, #hashtag, or a name", id="query")
            yield Label("enter searches · ↓ to the results · esc back", classes="hint")
            yield Results(id="results", empty="")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        if self.query_text:
            self.find(self.query_text)

    @property
    def results(self) -> Results:
        return self.query_one(Results)

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.query_text = event.value.strip()
            self.find(self.query_text)

    @worker(exclusive=True, group="search")
    async def find(self, text: str) -> None:
        client = self.session.client
        self.results.empty = "Searching…"
        self.results.set_items([])
        try:
            people = [] if text.startswith("#") else await client.search.people(text)
            page = await client.search.posts(text)
        except ApiError as exc:
            self.results.empty = exc.message  # what was typed stays in the box
            self.results.refresh()
            return
        self.next = page.next
        self.results.empty = f"Nothing found for {text}."
        self.results.set_items([*people, *page.items])
        # The focus stays in the box, so the next search is typed at once; ↓ goes down.

    @on(ItemLines.NearEnd, "#results")
    def _more(self) -> None:
        if self.next:
            self.more(self.query_text, self.next)
            self.next = None

    @worker(group="search-more")
    async def more(self, text: str, before: str) -> None:
        try:
            page = await self.session.client.search.posts(text, before=before)
        except ApiError as exc:
            self.notify(exc.message, title="Search", severity="error")
            return
        self.next = page.next
        self.results.add_bottom(page.items)

    def action_to_results(self) -> None:
        if self.results.items:
            self.results.focus()

    def action_open(self) -> None:
        item = self.results.selected
        if isinstance(item, Post):
            self.post_message(intents.OpenThread(item))
