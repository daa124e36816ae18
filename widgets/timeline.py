"""The timeline: posts newest first, drawn as lines."""

from __future__ import annotations

import re
from datetime import datetime

from textual.content import Content

from xapp.api.models import Account, Post, PostCounts, QuotedPost
from xapp.widgets.clock import ago
from xapp.widgets.lines import ItemLines

MENTION = re.compile(r"(?<![\w@])@[a-z0-9_]{3,15}\b", re.IGNORECASE)
QUOTE_SHOWN = 200


def byline(author: Account, when: datetime, extra: str = "") -> Content:
    """ "Ada Lovelace @ada · 5m": assembled from styled parts, never from markup, so a
    display name like `[/b]` shows literally."""
    return Content.assemble(
        (author.display_name, "bold"), " ", (f"@{author.handle} · {ago(when)}{extra}", "dim")
    )


def body(text: str) -> Content:
    """Post text with @mentions as styled spans (found in the plain text, never by
    building markup from it); URLs are left whole."""
    content = Content(text).expand_tabs(4)
    for match in MENTION.finditer(content.plain):
        content = content.stylize("bold $accent", match.start(), match.end())
    return content


def authored(author: Account, when: datetime, text: str, width: int) -> list[Content]:
    """A byline, the text, and a blank line (posts in other lists, like tips, use it)."""
    return [*byline(author, when).wrap(width), *body(text).wrap(width), Content("")]


def _quote(quote: QuotedPost, width: int) -> list[Content]:
    if quote.deleted:
        lines = [Content.styled("deleted post", "dim italic")]
    else:
        lines = [
            Content.styled(f"@{quote.author.handle}", "bold"),
            *body(quote.text[:QUOTE_SHOWN]).wrap(max(width - 2, 10)),
        ]
    return [Content.assemble(("│ ", "dim"), line) for line in lines]


def _counts(post: Post) -> Content:
    """💬 2  ♥ 5  🔁 1  ❝ 1, with what the reader did marked."""
    parts = [
        ("💬", post.replies, False),
        ("♥", post.likes, post.liked),
        ("🔁", post.reposts, post.reposted),
        ("❝", post.quotes, False),
    ]
    pieces: list[Content | tuple[str, str] | str] = []
    for icon, count, mine in parts:
        pieces += [(f"{icon} {count}", "bold $accent" if mine else "dim"), "  "]
    if post.bookmarked:
        pieces.append(("🔖", "$accent"))
    return Content.assemble(*pieces)


def post_lines(post: Post, width: int) -> list[Content]:
    """A repost line, the byline, what it replies to, the text, a quote, the counts."""
    lines: list[Content] = []
    shown = post
    if post.repost_of is not None:
        lines.append(Content.styled(f"🔁 {post.author.display_name} reposted", "dim"))
        shown = post.repost_of
    edited = " · edited" if shown.edited_at and not shown.deleted else ""
    lines += byline(shown.author, shown.created_at, edited).wrap(width)
    if shown.reply_to_handle:
        lines.append(Content.styled(f"↳ replying to @{shown.reply_to_handle}", "dim"))
    if shown.deleted:
        lines.append(Content.styled("deleted post", "dim italic"))
    else:
        lines += body(shown.text).wrap(width)
    if shown.quote is not None:
        lines += _quote(shown.quote, width)
    lines.append(_counts(shown))
    return [*lines, Content("")]


class Timeline(ItemLines[Post]):
    def item_id(self, item: Post) -> str:
        return item.id

    def render_item(self, item: Post, width: int) -> list[Content]:
        return post_lines(item, width)

    def counts_changed(self, counts: PostCounts) -> None:
        """New counts for a post, wherever it shows (itself or inside reposts of it)."""
        numbers = counts.model_dump(exclude={"id"})
        for post in list(self.items):
            if post.id == counts.id:
                self.upsert(post.model_copy(update=numbers))
            elif post.repost_of is not None and post.repost_of.id == counts.id:
                original = post.repost_of.model_copy(update=numbers)
                self.upsert(post.model_copy(update={"repost_of": original}))

    def post_changed(self, post: Post, reader_marks: bool = False) -> None:
        """Show a post as it is now, wherever it shows (itself or inside reposts); a
        deleted one leaves the timeline, with reposts of it. Unless `post` carries the
        reader's own marks (liked, reposted, bookmarked), the shown ones are kept: events
        for everyone don't carry them."""
        for shown in list(self.items):
            if post.deleted and (shown.repost_of or shown).id == post.id:
                self.remove_item(shown.id)
            elif shown.id == post.id:
                self.upsert(post if reader_marks else post.model_copy(update=marks_of(shown)))
            elif shown.repost_of is not None and shown.repost_of.id == post.id:
                original = shown.repost_of
                fresh = post if reader_marks else post.model_copy(update=marks_of(original))
                self.upsert(shown.model_copy(update={"repost_of": fresh}))

    def hide_author(self, author_id: str) -> None:
        """Take out what an account wrote or reposted (I blocked or muted it)."""
        for shown in list(self.items):
            if author_id in (shown.author.id, (shown.repost_of or shown).author.id):
                self.remove_item(shown.id)


def marks_of(post: Post) -> dict[str, bool]:
    """What the reader did to a post, which events for everyone don't carry."""
    return {"liked": post.liked, "reposted": post.reposted, "bookmarked": post.bookmarked}
