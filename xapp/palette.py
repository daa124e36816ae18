"""xapp's own commands in Textual's command palette (ctrl+p), beside its theme switcher:
pay, request from or message @someone, open a profile, open a conversation by its name,
search, switch account, and the wallet's screens.

Typing a handle offers what can be done with that person ("@ada", "pay ada" → Pay
@ada, Message @ada, …); the conversations already loaded are offered by name. Every
command does what the same key would, so the palette opens exactly the dialogs the keys
do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from xapp import intents

if TYPE_CHECKING:
    from xapp.screens.home import HomeScreen

HANDLE = re.compile(r"@?([a-z0-9_]{3,15})$", re.IGNORECASE)
"""The last word typed, when it could be a handle."""
PERSON_VERBS = {"pay", "request", "ask", "message", "dm", "chat", "profile", "open"}
"""First words after which the last word is taken for a person."""


class XappCommands(Provider):
    """Commands that act on the signed-in account; none before signing in."""

    @property
    def home(self) -> HomeScreen | None:
        return getattr(self.app, "home", None)

    def _always(self, home: HomeScreen) -> list[tuple[str, str, Callable[[], object]]]:
        wallet, post = home.wallet, home.post_message
        return [
            ("Pay someone", "send money by @handle", home.action_pay),
            ("Request money", "ask one or several people", home.action_request),
            ("Message someone", "a chat, or a group", home.action_new_conversation),
            ("Write a post", "", home.action_compose),
            ("Search posts and people", "words, @handles or #tags", home.action_search),
            ("Notifications", "", home.action_notifications),
            ("Bookmarks", "", home.action_bookmarks),
            ("Switch account", "or sign in to one more", home.action_accounts),
            ("Sessions", "devices signed in; sign one out", lambda: post(intents.OpenSessions())),
            (
                "Change password",
                "signs every other session out",
                lambda: post(intents.ChangePassword()),
            ),
            ("Savings", "wallet: yield, move money in and out", wallet.action_savings),
            ("Money rules", "wallet: sweeps, monthly payments, tips", wallet.action_rules),
            ("Scheduled payments", "wallet: standing orders", wallet.action_schedules),
            ("Statement", "wallet: this month", wallet.action_statement),
            ("Invoices", "wallet", wallet.action_invoices),
            ("Exchange currencies", "wallet", wallet.action_exchange),
            ("Verify my identity", "wallet: tier, limits, region", wallet.action_verification),
        ]

    def _with(self, home: HomeScreen, handle: str) -> list[tuple[str, str, Callable[[], object]]]:
        """What can be done with @handle."""
        post = home.post_message
        who = f"@{handle}"
        return [
            (f"Pay {who}", "send money", lambda: post(intents.Pay(who))),
            (f"Request money from {who}", "", lambda: post(intents.RequestMoney(who))),
            (f"Message {who}", "open a chat", lambda: home.action_new_conversation(who)),
            (f"Open the profile of {who}", "", lambda: post(intents.OpenProfile(handle))),
        ]

    def _conversations(self, home: HomeScreen) -> list[tuple[str, str, Callable[[], object]]]:
        listing = home.chat.listing
        return [
            (
                f"Open conversation: {listing.title(conversation)}",
                f"{conversation.unread} unread" if conversation.unread else "",
                lambda c=conversation: home.show_conversation(c),  # type: ignore[misc]
            )
            for conversation in listing.conversations
        ]

    async def discover(self) -> Hits:
        home = self.home
        if home is None:
            return
        for name, help_text, run in self._always(home):
            yield DiscoveryHit(name, run, help=help_text or None)

    async def search(self, query: str) -> Hits:
        home = self.home
        if home is None:
            return
        matcher = self.matcher(query)
        commands = [*self._always(home), *self._conversations(home)]
        found = HANDLE.search(query.strip())
        # "@ada", or a person after a verb ("pay ada"); "savings" alone is a command.
        verb = query.split()[0].lower() if query.split() else ""
        if found and ("@" in query or (verb in PERSON_VERBS and len(query.split()) > 1)):
            commands = self._with(home, found.group(1).lower()) + commands
        for name, help_text, run in commands:
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, text=name, help=help_text or None)
