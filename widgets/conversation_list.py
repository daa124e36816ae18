"""Conversations ordered by last activity, each with its name (or members), unread count
and last message as a preview."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from xapp.api.models import Conversation

PREVIEW = 60


class ConversationList(OptionList):
    """Keys like every other list: j/k as well as the arrows, g/G for the first and last."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "cursor_up", "Up", show=False, id="conversations.up", tooltip="move up"),
        Binding("j", "cursor_down", "Down", show=False, id="conversations.down"),
        Binding("g", "first", "First", show=False, id="conversations.first"),
        Binding("G", "last", "Last", show=False, id="conversations.last"),
    ]

    def __init__(self, me_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.me_id = me_id
        self.conversations: list[Conversation] = []

    def title(self, conversation: Conversation) -> str:
        if conversation.name:
            return conversation.name
        others = [m for m in conversation.members if m.id != self.me_id] or conversation.members
        return ", ".join(f"{m.display_name} @{m.handle}" for m in others)

    def _option(self, conversation: Conversation) -> Option:
        last = conversation.last_message
        if last is None:
            preview = "no messages yet"
        elif last.deleted:
            preview = "message deleted"
        else:
            who = "you: " if last.sender.id == self.me_id else ""
            if conversation.is_group and last.sender.id != self.me_id and last.kind != "system":
                who = f"{last.sender.handle}: "
            preview = who + last.text.replace("\n", " ")
        count = conversation.unread
        unread = f" ({'99+' if count > 99 else count})" if count else ""
        style = "bold $accent" if conversation.unread else "bold"
        prompt = (
            Content(self.title(conversation) + unread).stylize(style)
            + Content("\n")
            + Content(preview[:PREVIEW]).stylize("dim")
        )
        return Option(prompt, id=conversation.id)

    @property
    def total_unread(self) -> int:
        return sum(c.unread for c in self.conversations)

    def replace(self, conversation: Conversation) -> None:
        """Show a conversation's new state where it is (a rename, a receipt, a read)."""
        for index, known in enumerate(self.conversations):
            if known.id == conversation.id:
                self.conversations[index] = conversation
                self.replace_option_prompt(conversation.id, self._option(conversation).prompt)

    def drop(self, conversation_id: str) -> None:
        self.show([c for c in self.conversations if c.id != conversation_id])

    def next_unread(self, after: str | None, step: int) -> Conversation | None:
        """The next (step 1) or previous (step -1) conversation with unread messages,
        going round the list from `after`."""
        ids = [c.id for c in self.conversations]
        start = ids.index(after) if after in ids else (-1 if step > 0 else 0)
        for offset in range(1, len(ids) + 1):
            candidate = self.conversations[(start + step * offset) % len(ids)]
            if candidate.unread:
                return candidate
        return None

    def show(self, conversations: list[Conversation]) -> None:
        """Replace the list, keeping the highlighted conversation highlighted."""
        keep = self.highlighted_id
        self.conversations = conversations
        self.clear_options()
        self.add_options([self._option(c) for c in conversations])
        ids = [c.id for c in conversations]
        if keep in ids:
            self.highlighted = ids.index(keep)

    def touch(self, conversation: Conversation) -> None:
        """Move a conversation that just had activity to the top (redrawing only its
        entry when it is there already: the busy chat is usually the top one)."""
        if self.conversations and self.conversations[0].id == conversation.id:
            self.conversations[0] = conversation
            self.replace_option_prompt(conversation.id, self._option(conversation).prompt)
            return
        rest = [c for c in self.conversations if c.id != conversation.id]
        self.show([conversation, *rest])

    def get(self, conversation_id: str) -> Conversation | None:
        return next((c for c in self.conversations if c.id == conversation_id), None)

    @property
    def highlighted_id(self) -> str | None:
        if self.highlighted is None:
            return None
        return self.get_option_at_index(self.highlighted).id
