"""The timeline: posts newest first, drawn as lines."""

from __future__ import annotations

from datetime import datetime

from textual.content import Content

from xapp.api.models import Account, Post
from xapp.widgets.clock import ago
from xapp.widgets.lines import ItemLines


def authored(author: Account, when: datetime, text: str, width: int) -> list[Content]:
    """A byline ("Ada Lovelace @ada · 5m"), the text, and a blank line.

    The untrusted parts go in as template variables or plain `Content`, never into
    markup, so `[/`, `[link=...]` and friends show literally."""
    head = Content.from_markup(
        "[bold]$name[/bold] [dim]@$handle · $when[/dim]",
        name=author.display_name,
        handle=author.handle,
        when=ago(when),
    )
    body = Content(text).expand_tabs(4)
    return [*head.wrap(width), *body.wrap(width), Content("")]


class Timeline(ItemLines[Post]):
    def item_id(self, item: Post) -> str:
        return item.id

    def render_item(self, item: Post, width: int) -> list[Content]:
        return authored(item.author, item.created_at, item.text, width)
