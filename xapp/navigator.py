"""The navigator: the one place that turns intents into screens and flows.

Widgets and screens post an intent (`xapp/intents.py`); it bubbles to the App, and the
handlers here push the screen it names or run its flow: the money flows confirm through
`screens/pay.py` (the one confirmation money leaves through), then close and toast.
What a flow changes reaches the panes through the live signals, never through a
callback into a pane, so data flows one way: keypress → intent → navigator → SDK →
server → feed → signal → pane.

Handlers are found by name (`on_<intent>`), so this mixin needs no Textual base class.
Screens are imported when first opened: the home screen starts without loading the
code of every screen it might open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App

from xapp import intents
from xapp.api.errors import ApiError
from xapp.api.models import Account, BankAccount, Bill, Post, Transfer
from xapp.api.money import format_amount
from xapp.live import PostWritten, live
from xapp.session import Session
from xapp.workers import worker

if TYPE_CHECKING:
    from textual.screen import Screen


def _moved(transfer: Transfer) -> str:
    """What a move between my own pockets did, in a toast."""
    amount = _amount(transfer)
    match transfer.kind:
        case "deposit":
            return f"{amount} is on its way from your bank: spendable when it settles."
        case "withdrawal":
            return f"{amount} is on its way to your bank."
        case "to_savings":
            return f"Moved {amount} to savings."
        case "from_savings":
            return f"Moved {amount} from savings to cash."
        case "exchange" if transfer.received is not None:
            got = format_amount(transfer.received.amount, transfer.received.currency)
            return f"Exchanged {amount} for {got}."
        case _:
            return transfer.note


def _amount(transfer: Transfer) -> str:
    return format_amount(transfer.amount.amount, transfer.amount.currency)


class Navigator:
    """Mixed into the App: one handler per intent."""

    session: Session | None

    @property
    def _app(self) -> App[None]:
        assert isinstance(self, App)
        return self

    @property
    def _session(self) -> Session:
        assert self.session is not None, "an intent before sign-in"
        return self.session

    def _open(self, screen: Screen[Any], intent: intents.Intent) -> None:
        self._app.push_screen(screen, intent.finish)

    # --- screens ------------------------------------------------------------------------

    def on_open_thread(self, intent: intents.OpenThread) -> None:
        from xapp.screens.thread import ThreadScreen

        self._open(ThreadScreen(self._session, intent.post), intent)

    def on_open_profile(self, intent: intents.OpenProfile) -> None:
        from xapp.screens.profile import ProfileScreen

        self._open(ProfileScreen(self._session, intent.handle), intent)

    def on_open_post_search(self, intent: intents.OpenPostSearch) -> None:
        from xapp.screens.search import SearchScreen

        self._open(SearchScreen(self._session), intent)

    def on_open_bookmarks(self, intent: intents.OpenBookmarks) -> None:
        from xapp.screens.bookmarks import BookmarksScreen

        self._open(BookmarksScreen(self._session), intent)

    def on_open_notifications(self, intent: intents.OpenNotifications) -> None:
        from xapp.screens.notifications import NotificationsScreen

        self._open(NotificationsScreen(self._session), intent)

    def on_open_help(self, intent: intents.OpenHelp) -> None:
        from xapp.screens.help import HelpScreen

        self._open(HelpScreen(), intent)

    def on_open_earnings(self, intent: intents.OpenEarnings) -> None:
        from xapp.screens.earnings import EarningsScreen

        self._open(EarningsScreen(self._session), intent)

    def on_pay_invoice(self, intent: intents.PayInvoice) -> None:
        self._pay_invoice(intent)

    @worker(group="pay-invoice")
    async def _pay_invoice(self, intent: intents.PayInvoice) -> None:
        """The server's preview of paying it (merchant, amount, first payment), then the
        one confirmation, as for a paid request."""
        from xapp.api.client import AttemptKey
        from xapp.screens.pay import confirm_and_send

        session, invoice_id = self._session, intent.invoice_id
        wallet = session.client.wallet
        try:
            preview = await wallet.preview_invoice(invoice_id)
        except ApiError as exc:
            self._app.notify(exc.message, title="Invoice", severity="error")
            intent.finish(None)
            return
        key = AttemptKey().key_for(invoice_id)
        confirm_and_send(
            self._app,
            session,
            preview,
            lambda pin: wallet.pay_invoice(invoice_id, key, pin=pin),
            lambda paid: self._sent(paid, intent),
            title="Pay invoice",
        )

    def on_open_invoices(self, intent: intents.OpenInvoices) -> None:
        from xapp.screens.invoices import InvoicesScreen

        self._open(InvoicesScreen(self._session), intent)

    def on_open_verification(self, intent: intents.OpenVerification) -> None:
        from xapp.screens.verification import VerificationScreen

        self._open(VerificationScreen(self._session), intent)

    def on_open_schedules(self, intent: intents.OpenSchedules) -> None:
        from xapp.screens.schedules import SchedulesScreen

        self._open(SchedulesScreen(self._session), intent)

    def on_open_sessions(self, intent: intents.OpenSessions) -> None:
        from xapp.screens.sessions import SessionsScreen

        self._open(SessionsScreen(self._session), intent)

    def on_change_password(self, intent: intents.ChangePassword) -> None:
        from xapp.screens.sessions import ChangePasswordScreen

        self._open(ChangePasswordScreen(self._session), intent)

    def on_open_rules(self, intent: intents.OpenRules) -> None:
        from xapp.screens.rules import RulesScreen

        self._open(RulesScreen(self._session), intent)

    def on_open_statement(self, intent: intents.OpenStatement) -> None:
        from xapp.screens.statement import StatementScreen

        self._open(StatementScreen(self._session), intent)

    def on_receive(self, intent: intents.Receive) -> None:
        from xapp.screens.receive import ReceiveScreen

        self._open(ReceiveScreen(self._session.me.handle), intent)

    def on_move_money(self, intent: intents.MoveMoney) -> None:
        from xapp.screens.bank import own_money_screen

        screen = own_money_screen(self._session, intent.what, intent.wallet)

        def moved(result: Transfer | BankAccount | None) -> None:
            intent.finish(result)
            if isinstance(result, BankAccount):
                shown = f"Linked {result.bank_name} ••{result.last4}: a adds money from it."
                self._app.notify(shown, markup=False)
            elif result is not None:
                self._app.notify(_moved(result), markup=False)

        ensure = intent.what in ("withdraw", "bank")  # where money goes out: the PIN
        if ensure:
            from xapp.screens.pin import ensure_pin

            ensure_pin(self._app, self._session, lambda: self._app.push_screen(screen, moved))
        else:
            self._app.push_screen(screen, moved)

    def on_show_list(self, intent: intents.ShowList) -> None:
        from xapp.screens.dialogs import ListScreen

        self._open(ListScreen(intent.title, intent.lines), intent)

    def on_show_people(self, intent: intents.ShowPeople) -> None:
        from xapp.screens.people import PeopleScreen

        def picked(person: Account | None) -> None:
            if person is not None:
                self._app.post_message(intents.OpenProfile(person.handle))

        screen = PeopleScreen(intent.title, intent.people, intent.more)
        self._app.push_screen(screen, picked)

    def on_ask(self, intent: intents.Ask) -> None:
        from xapp.screens.dialogs import ConfirmScreen

        self._open(ConfirmScreen(intent.question, intent.yes), intent)

    def on_pick_reaction(self, intent: intents.PickReaction) -> None:
        from xapp.screens.dialogs import ReactScreen

        self._open(ReactScreen(), intent)

    def on_search_messages(self, intent: intents.SearchMessages) -> None:
        from xapp.screens.dialogs import MessageSearchScreen

        self._open(MessageSearchScreen(self._session, intent.conversation_id, intent.where), intent)

    def on_choose_history_filter(self, intent: intents.ChooseHistoryFilter) -> None:
        from xapp.screens.history_filter import FilterScreen
        from xapp.widgets.history_filter import HistoryFilter

        assert isinstance(intent.current, HistoryFilter)
        self._open(FilterScreen(intent.current), intent)

    # --- flows --------------------------------------------------------------------------

    def on_write_post(self, intent: intents.WritePost) -> None:
        from xapp.screens.compose import ComposeScreen

        draft = intent.draft

        def posted(post: Post | None) -> None:
            if post is None:
                return
            live(self._app).posts.publish(PostWritten(post))
            done = {"Edit post": "Edited.", "New post": "Posted."}
            self._app.notify(done.get(draft.title, "Replied." if draft.reply_to else "Quoted."))

        self._app.push_screen(ComposeScreen(self._session, draft), posted)

    def on_new_conversation(self, intent: intents.NewConversation) -> None:
        from xapp.screens.conversation import NewConversationScreen

        self._open(NewConversationScreen(self._session, intent.who), intent)

    def on_pay(self, intent: intents.Pay) -> None:
        from xapp.screens.pay import PayScreen

        screen = PayScreen(
            self._session,
            intent.who,
            intent.amount,
            intent.note,
            intent.conversation_id,
            intent.currency,
        )
        self._app.push_screen(screen, lambda sent: self._sent(sent, intent))

    def _sent(self, transfer: Transfer | None, intent: intents.Intent) -> None:
        """A payment went: say so (the wallet shows it when the feed brings it)."""
        intent.finish(transfer)
        if transfer is None:
            return
        who = f"@{transfer.recipient.handle}"
        if transfer.status == "pending":
            self._app.notify(
                f"{_amount(transfer)} to {who} is pending for a moment: press u to undo.",
                title="Sent",
                markup=False,
            )
        else:
            verb = {
                "tip": "Tipped",
                "refund": "Refunded",
                "request": "Paid",
                "invoice": "Paid",
            }.get(transfer.kind, "Sent")
            self._app.notify(f"{verb} {_amount(transfer)} to {who}.", markup=False)

    def on_request_money(self, intent: intents.RequestMoney) -> None:
        from xapp.screens.request import RequestScreen

        screen = RequestScreen(
            self._session, intent.who, intent.amount, intent.note, intent.conversation_id
        )
        self._app.push_screen(screen, lambda bill: self._asked(bill, intent))

    def on_split_bill(self, intent: intents.SplitBill) -> None:
        from xapp.screens.request import SplitBillScreen

        screen = SplitBillScreen(self._session, intent.conversation, intent.total, intent.note)
        self._app.push_screen(screen, lambda bill: self._asked(bill, intent))

    def _asked(self, bill: Bill | None, intent: intents.Intent) -> None:
        intent.finish(bill)
        if bill is None:
            return
        each = bill.requests[0].amount if bill.requests else bill.total
        who = ", ".join(f"@{r.payer.handle}" for r in bill.requests)
        amount = format_amount(each.amount, each.currency)
        self._app.notify(f"Asked {who} for {amount}.", markup=False)

    def on_tip(self, intent: intents.Tip) -> None:
        from xapp.screens.tip import TipScreen

        post = intent.post.repost_of or intent.post
        if post.author.id == self._session.me.id:
            self._app.notify("That is your own post: tips go to other people.", severity="warning")
            return
        self._app.push_screen(TipScreen(self._session, post), lambda t: self._sent(t, intent))

    def on_refund(self, intent: intents.Refund) -> None:
        from xapp.screens.refund import RefundScreen

        screen = RefundScreen(self._session, intent.transfer)
        self._app.push_screen(screen, lambda t: self._sent(t, intent))

    def on_pay_request(self, intent: intents.PayRequest) -> None:
        self._pay_request(intent)

    @worker(group="pay-request")
    async def _pay_request(self, intent: intents.PayRequest) -> None:
        """Ask the server what paying the request would do (who is paid, is it a first
        payment, is it held): a request from a new lookalike account is the classic
        scam, so the warning is the server's to give, never assumed."""
        from xapp.api.client import AttemptKey
        from xapp.screens.pay import confirm_and_send

        session, request = self._session, intent.request
        client = session.client
        try:
            preview = await client.bills.preview_pay(request.id)
        except ApiError as exc:
            self._app.notify(exc.message, title="Pay request", severity="error")
            return
        key = AttemptKey().key_for(request.id)
        confirm_and_send(
            self._app,
            session,
            preview,
            lambda pin: client.bills.pay(request.id, key=key, pin=pin),
            lambda paid: self._sent(paid, intent),
            title="Pay request",
        )
