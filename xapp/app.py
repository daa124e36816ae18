"""The Textual App: finds a server (embedded or named), signs in, shows the home screen,
and owns the one long-lived feed worker, whose events it publishes on the live signals
(`xapp/live.py`) that panes and screens subscribe to. Intents from widgets are answered
by the navigator it mixes in (`xapp/navigator.py`)."""

from __future__ import annotations

import asyncio
import functools
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from xapp import preferences
from xapp.alerts import Alerts
from xapp.api.client import ApiClient
from xapp.api.errors import ApiError, ServerNewer, Unauthorized
from xapp.api.feed import Feed, FeedState
from xapp.api.models import FeedReset, UnknownEvent
from xapp.api.prefetch import Prefetch
from xapp.credentials import Credentials, Kept, VaultName
from xapp.intents import Ask, OpenAccounts, Pay, PayInvoice, SignOut
from xapp.live import FeedStatus, Live
from xapp.navigator import Navigator
from xapp.outbox import Outbox
from xapp.palette import XappCommands
from xapp.screens.home import HomeScreen
from xapp.screens.start import StartScreen
from xapp.session import RETYPE_ABOVE, Session, open_session
from xapp.themes import THEMES
from xapp.widgets.repaint import PaintAfterBatch
from xapp.workers import WorkerFailed, worker

if TYPE_CHECKING:  # the server (SQLAlchemy, FastAPI, …) loads only when one is embedded
    from xapp.api.links import InvoiceLink, PaymentLink
    from xapp.embedded import EmbeddedWorld
    from xapp.screens.login import LoginScreen


class XApp(PaintAfterBatch, Navigator, App[None]):
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {XappCommands}  # ctrl+p: xapp's own beside the theme
    TITLE = "xapp"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="quit", tooltip="quit xapp"),
    ]

    def __init__(
        self,
        *,
        server: str | None = None,
        credentials: Credentials | None = None,
        embedded: EmbeddedWorld | None = None,
        retype_above: int = RETYPE_ABOVE,
        alerts: Alerts | None = None,
        prefetched: Prefetch | None = None,
        open_link: PaymentLink | InvoiceLink | None = None,
        keymap: dict[str, str] | None = None,
        theme: str | None = None,
    ) -> None:
        """`prefetched`: the session's first reads, sent on a thread while this module
        loaded (api/prefetch.py); the token they were sent with is the one kept.
        `open_link`: a payment or invoice link to start paying once signed in
        (`xapp --open`). `keymap`: binding ids to the keys they answer (the config
        file's `[keys]`). `theme`: the config file's choice, over the one remembered."""
        super().__init__()
        for own in THEMES:
            self.register_theme(own)
        self.chosen_theme = theme
        if keymap:
            self.set_keymap(keymap)
        if (server is None) == (embedded is None):
            raise ValueError("give either a server URL or an embedded world")
        self.server = server
        self.credentials = credentials
        self.embedded = embedded
        self.retype_above = retype_above
        self.alerts = alerts or Alerts()
        self.prefetched = prefetched
        self.open_link = open_link
        self.session: Session | None = None
        self.feed: Feed | None = None
        self.home: HomeScreen | None = None
        self.live = Live(self)
        self.missed_kinds: set[str] = set()
        """Feed event types a newer server sent that this version can't show."""

    @property
    def data_dir(self) -> Path | None:
        """Where this app keeps its files: the embedded world's folder, or the client's."""
        if self.embedded is not None:
            return self.embedded.data_dir
        return self.credentials.state_path.parent if self.credentials else None

    def on_mount(self) -> None:
        remembered = preferences.load(self.data_dir).theme if self.data_dir else None
        if self.chosen_theme is not None and self.chosen_theme not in self.available_themes:
            self.notify(
                f"There is no theme {self.chosen_theme!r}; ctrl+p lists them.", severity="warning"
            )
        for name in (self.chosen_theme, remembered):
            if name in self.available_themes:
                self.theme = name
                break
        status = "Starting the local server…" if self.embedded else f"Connecting to {self.server}…"
        self.push_screen(StartScreen(status))
        self.connect()

    @worker(exclusive=True, group="connect")
    async def connect(self) -> None:
        start = self.screen if isinstance(self.screen, StartScreen) else None
        try:
            if self.embedded is not None:
                url, token = await asyncio.to_thread(self.embedded.start)
                await self.begin(await open_session(url, token))
                return
            assert self.server is not None and self.credentials is not None
            saved = await asyncio.to_thread(self.credentials.load, self.server)
            if saved is None:
                # Say so now if nobody answers there, not after a sign-in form is filled in.
                async with ApiClient(self.server) as probe:
                    await probe.health()
                await self._sign_in()
                return
            handle, token = saved
            try:
                session = await open_session(self.server, token, self.prefetched)
            except Unauthorized:
                await asyncio.to_thread(self.credentials.forget, self.server, handle)
                notice = "Your session has ended. Please sign in again."
                await self._sign_in(handle, notice)
                return
            await self.begin(session)
        except (ApiError, RuntimeError, OSError) as exc:
            if start is not None:
                start.fail(exc.message if isinstance(exc, ApiError) else str(exc))

    def on_start_screen_retry(self) -> None:
        self.connect()

    async def _sign_in(self, handle: str = "", notice: str = "") -> None:
        """The sign-in screen (loaded only when there is no good token to start with)."""
        from xapp.screens.login import LoginScreen

        assert self.server is not None
        server = self.server
        devices = functools.partial(self._device, server)
        await self.switch_screen(LoginScreen(server, handle, notice, devices=devices))

    def _device(self, server: str, handle: str) -> str | None:
        """This machine's device secret for `handle` on `server` (called off the event
        loop by the sign-in screen)."""
        return self.credentials.device(server, handle) if self.credentials else None

    def on_login_screen_signed_in(self, event: LoginScreen.SignedIn) -> None:
        self._keep(event.session, event.device)

    @worker(group="remember")
    async def _keep(self, session: Session, device: str | None = None) -> None:
        """Keep the token in the keyring; with none here, ask where (a file only you can
        read, or this run only). Looking for a keyring may block, so it is done aside."""
        from xapp.screens.keyring_choice import KeyringChoiceScreen

        assert self.credentials is not None
        credentials = self.credentials
        if await asyncio.to_thread(lambda: credentials.has_keyring):
            self.remember(session, "keyring", device)
        else:
            self.push_screen(
                KeyringChoiceScreen(credentials.token_file),
                lambda where: self.remember(session, where or "memory", device),
            )

    @worker(group="remember")
    async def remember(self, session: Session, where: VaultName, device: str | None = None) -> None:
        assert self.credentials is not None
        credentials, server, handle = self.credentials, session.server, session.me.handle
        try:
            await asyncio.to_thread(credentials.save, server, handle, session.token, where)
            if device is not None:
                await asyncio.to_thread(credentials.save_device, server, handle, device, where)
        except Exception as exc:  # a keyring that fails must not lose the session
            self.notify(f"Could not save your session: {exc}", severity="warning", markup=False)
        await self.begin(session)

    async def begin(self, session: Session) -> None:
        previous = self.session
        if previous is not None and previous is not session:
            # Another account: the old one's feed and client end, and its screens go.
            if self.feed is not None:
                await self.feed.close()
            self.workers.cancel_group(self, "feed")
            await previous.client.aclose()
            while len(self.screen_stack) > 2:
                await self.pop_screen()
        if self.embedded is None:
            self.server = session.server
        session.data_dir = self.data_dir
        if self.embedded is not None:
            session.password_hint = f"The demo account's password is {self.embedded.password}"
        session.retype_above = self.retype_above
        session.alerts = self.alerts
        if session.data_dir is not None:
            # One outbox per server and account: a queued message never goes elsewhere.
            name = hashlib.sha256(f"{session.server} {session.me.id}".encode()).hexdigest()[:16]
            session.outbox = Outbox(session.data_dir / "outbox" / f"{name}.json")
        self.session = session
        self.home = HomeScreen(session)
        await self.switch_screen(self.home)

    def on_home_screen_ready(self, event: HomeScreen.Ready) -> None:
        if self.session is not None:
            self.run_feed(self.session, self.session.me.event_seq)
        if self.open_link is not None:
            from xapp.api.links import InvoiceLink
            from xapp.screens.money_form import link_fields  # screens load when opened

            link, self.open_link = self.open_link, None
            if isinstance(link, InvoiceLink):
                self.post_message(PayInvoice(link.invoice_id))
            else:
                who, amount, note, currency = link_fields(link)
                self.post_message(Pay(who, amount, note, currency=currency))

    @worker(exclusive=True, group="feed")
    async def run_feed(self, session: Session, since: int) -> None:
        """Read the feed for as long as the app runs; every event goes out on its signal."""
        self.feed = Feed(session.server, session.token, since, on_state=self._feed_state)
        try:
            async for event in self.feed:
                if isinstance(event, FeedReset):
                    await self.feed.close()  # the reloaded home starts its own
                    self._reload(session, event.data.seq)
                    return
                if isinstance(event, UnknownEvent):
                    self.missed_kinds.add(event.type)
                    self._feed_state(self.feed.state)
                else:
                    self.live.publish(event)
        except ServerNewer as exc:
            self.notify(exc.message, title="Update xapp", severity="warning", timeout=15)
        except Unauthorized:
            self._feed_state(FeedState.CLOSED)
            self.notify("Your session has ended; restart xapp to sign in.", severity="error")

    def _reload(self, session: Session, seq: int) -> None:
        """The server's log is behind what this app saw (its database was reset or
        restored): what the panes hold is stale, so they load afresh and the feed
        resumes from the server's newest seq."""
        session.me = session.me.model_copy(update={"event_seq": seq})
        self.notify(
            "The server's history was reset; everything was loaded again.", severity="warning"
        )
        self.home = HomeScreen(session)
        self.call_later(self.switch_screen, self.home)

    def _feed_state(self, state: FeedState) -> None:
        self.live.publish_status(FeedStatus(state, newer_server=bool(self.missed_kinds)))

    # --- several accounts --------------------------------------------------------------------

    def on_open_accounts(self, intent: OpenAccounts) -> None:
        if self.credentials is None or self.session is None:
            self.notify(
                "The demo world has one account; xapp --server URL signs in to several.",
                markup=False,
            )
            return
        from xapp.screens.accounts import AccountsScreen

        current = (self.session.server, self.session.me.handle)
        accounts = self.credentials.accounts()
        if current not in [(k.server, k.handle) for k in accounts]:
            accounts.insert(0, Kept(current[0], current[1], "memory"))
        self.push_screen(AccountsScreen(accounts, current), self._account_chosen)

    def _account_chosen(self, choice: tuple[str, str, str] | None) -> None:
        if choice is None:
            return
        action, server, handle = choice
        if action == "switch":
            self.switch_account(server, handle)
        elif action == "add":
            self.add_account(server)
        else:
            self.forget_account(server, handle)

    @worker(exclusive=True, group="connect")
    async def switch_account(self, server: str, handle: str) -> None:
        """Act as another account kept here; the one in use stays if that fails."""
        assert self.credentials is not None
        saved = await asyncio.to_thread(self.credentials.load, server, handle)
        if saved is None:
            self.notify(f"@{handle}'s session is gone; n signs in again.", severity="warning")
            return
        try:
            session = await open_session(server, saved[1])
        except Unauthorized:
            await asyncio.to_thread(self.credentials.forget, server, handle)
            self.notify(f"@{handle}'s session has ended; n signs in again.", severity="warning")
            return
        except ApiError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        await asyncio.to_thread(self.credentials.use, server, handle)
        await self.begin(session)
        self.notify(f"Acting as @{handle}.", markup=False)

    @worker(exclusive=True, group="connect")
    async def add_account(self, server: str) -> None:
        """Sign in to one more account (the sign-in screen over the current one; esc
        comes back)."""
        from xapp.screens.login import LoginScreen

        try:
            async with ApiClient(server) as probe:
                await probe.health()
        except ApiError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        devices = functools.partial(self._device, server)
        await self.push_screen(LoginScreen(server, can_cancel=True, devices=devices))

    @worker(group="connect")
    async def forget_account(self, server: str, handle: str) -> None:
        """Sign out of an account kept here (the one in use: as L does)."""
        assert self.credentials is not None and self.session is not None
        if (server, handle) == (self.session.server, self.session.me.handle):
            self.sign_out()
            return
        saved = await asyncio.to_thread(self.credentials.load, server, handle)
        if saved is not None:
            try:
                async with ApiClient(server, saved[1]) as client:
                    await client.accounts.logout()
            except ApiError:
                pass  # gone already, or unreachable: forgetting it here is what was asked
        await asyncio.to_thread(self.credentials.forget, server, handle)
        self.notify(f"Signed out of @{handle}.", markup=False)

    def on_sign_out(self, intent: SignOut) -> None:
        if self.embedded is not None or self.server is None:
            self.notify("The demo account stays signed in; ctrl+q quits.", markup=False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.sign_out()

        question = f"Sign out of {self.server}? Your token is forgotten on this machine."
        self.post_message(Ask(question, "Sign out", answered))

    @worker(exclusive=True, group="connect")
    async def sign_out(self) -> None:
        """End the session on the server (a token left there would still work), forget
        it here, stop the feed, and show the sign-in screen."""
        session, server = self.session, self.server
        assert session is not None and server is not None and self.credentials is not None
        try:
            await session.client.accounts.logout()
        except ApiError as exc:
            if not isinstance(exc, Unauthorized):
                self.notify(f"Could not sign out: {exc.message}", severity="error")
                return
        await asyncio.to_thread(self.credentials.forget, server, session.me.handle)
        if self.feed is not None:
            await self.feed.close()
        self.workers.cancel_group(self, "feed")
        await session.client.aclose()
        self.session = self.home = None
        await self._sign_in(session.me.handle, "You have signed out.")

    def watch_theme(self, theme: str) -> None:
        """A theme chosen (ctrl+p) is the theme next time too."""
        if self.data_dir is not None and self.is_running:
            self._remember_theme(self.data_dir, theme)

    @worker(group="preferences")
    async def _remember_theme(self, folder: Path, theme: str) -> None:
        chosen = preferences.load(folder).model_copy(update={"theme": theme})
        await asyncio.to_thread(preferences.save, folder, chosen)

    def on_worker_failed(self, event: WorkerFailed) -> None:
        """The one place a worker's unexpected failure surfaces (see workers.py); it is
        in xapp.log already, with its traceback."""
        self.notify(
            f"Something went wrong ({event.where}: {event.error}). Details are in xapp.log.",
            title="Error",
            severity="error",
            markup=False,
        )

    async def on_unmount(self) -> None:
        if self.feed is not None:
            await self.feed.close()
        if self.session is not None:
            await self.session.client.aclose()
