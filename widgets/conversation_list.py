"""Conversations ordered by last activity, each with its last message as a preview."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from xapp.api.models import Conversation

PREVIEW = 60


class ConversationList(OptionList):
    def __init__(self, me_id: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.me_id = me_id
        self.conversations: list[Conversation] = []

    def title(self, conversation: Conversation) -> str:
        others = [m for m in conversation.members if m.id != self.me_id] or conversation.members
        return ", ".join(f"{m.display_name} @{m.handle}" for m in others)

    def _option(self, conversation: Conversation) -> Option:
        last = conversation.last_message
        preview = last.text.replace("\n", " ")[:PREVIEW] if last else "no messages yet"
        prompt = Content.from_markup(
            "[bold]$title[/bold]\n[dim]$preview[/dim]",
            title=self.title(conversation),
            preview=preview,
        )
        return Option(prompt, id=conversation.id)

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
        """Move a conversation that just had activity to the top."""
        rest = [c for c in self.conversations if c.id != conversation.id]
        self.show([conversation, *rest])

    def get(self, conversation_id: str) -> Conversation | None:
        return next((c for c in self.conversations if c.id == conversation_id), None)

    @property
    def highlighted_id(self) -> str | None:
        if self.highlighted is None:
            return None
        return self.get_option_at_index(self.highlighted).id
