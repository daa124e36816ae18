"""The wallet pane: balance, open requests, and history with its filters; and every
action on them (pay or decline a request, cancel a pending payment, refund, save a
signed receipt). Network calls run in workers; paying and refunding are intents whose
dialogs close and toast. What the lists show comes from the App's `wallet` signal alone:
a payment made here appears when the feed brings it, like one made anywhere else."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, Static

from xapp import intents
from xapp.alerts import terminal_writer
from xapp.api.errors import ApiError
from xapp.api.models import (
    OWN_MONEY,
    Bill,
    BillUpdated,
    Money,
    PaymentRequest,
    Transfer,
    TransferUpdated,
    Wallet,
)
from xapp.api.money import format_amount
from xapp.live import WalletEvent, live, subscribe
from xapp.session import Session
from xapp.widgets.history_filter import HistoryFilter
from xapp.widgets.lines import ItemLines
from xapp.widgets.request_list import RequestList
from xapp.widgets.transfer_list import TransferList
from xapp.workers import worker

CURRENCY = "USD"
EMPTY_WALLET = (
    "Nothing here yet: a adds money from your bank (B links one), and R asks someone for it."
)
HISTORY_TITLE = "Activity · f filter · e earnings"
VERBS = {"payment": "paid", "request": "paid", "tip": "tipped", "refund": "refunded"}


def _amount(money: Money) -> str:
    return format_amount(money.amount, money.currency)


class WalletPane(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "pay_request", "Pay", id="wallet.pay", tooltip="pay a request"),
        Binding("d", "decline", "Decline", id="wallet.decline", tooltip="decline a request"),
        Binding(
            "x",
            "cancel",
            "Cancel",
            id="wallet.cancel",
            tooltip="cancel my request, or a pending payment",
        ),
        Binding(
            "r", "remind", "Remind", show=False, id="wallet.remind", tooltip="remind (once a day)"
        ),
        Binding("b", "refund", "Refund", id="wallet.refund", tooltip="refund money received"),
        Binding(
            "s",
            "receipt",
            "Receipt",
            show=False,
            id="wallet.receipt",
            tooltip="save a signed receipt",
        ),
        Binding("f", "filter", "Filter", id="wallet.filter", tooltip="filter the history"),
        Binding(
            "v",
            "receive",
            "Receive",
            id="wallet.receive",
            tooltip="receive: a QR code and a link that ask people to pay me",
        ),
        Binding(
            "e", "earnings", "Earnings", show=False, id="wallet.earnings", tooltip="tips earned"
        ),
        Binding("a", "add_money", "Add money", id="wallet.add", tooltip="add money from my bank"),
        Binding(
            "w", "withdraw", "Withdraw", show=False, id="wallet.withdraw", tooltip="send to my bank"
        ),
        Binding("S", "savings", "Savings", id="wallet.savings", tooltip="savings: yield, move"),
        Binding(
            "X",
            "exchange",
            "Exchange",
            show=False,
            id="wallet.exchange",
            tooltip="convert currency",
        ),
        Binding("B", "bank", "Bank", show=False, id="wallet.bank", tooltip="link my bank account"),
        Binding("I", "invoices", "Invoices", show=False, id="wallet.invoices", tooltip="invoices"),
        Binding(
            "V",
            "verification",
            "Verify",
            show=False,
            id="wallet.verification",
            tooltip="my identity, limits and region",
        ),
        Binding(
            "O",
            "schedules",
            "Scheduled",
            show=False,
            id="wallet.schedules",
            tooltip="scheduled payments (standing orders)",
        ),
        Binding(
            "A",
            "rules",
            "Rules",
            show=False,
            id="wallet.rules",
            tooltip="money rules: sweeps, monthly payments, tips on likes",
        ),
        Binding(
            "M",
            "statement",
            "Statement",
            show=False,
            id="wallet.statement",
            tooltip="this month's statement",
        ),
    ]

    def __init__(self, session: Session, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.filter = HistoryFilter()
        self.history_next: str | None = None
        self.history_loading = False
        self.live_ids: set[str] = set()
        self.balances: dict[str, Money] = {}
        self.wallet: Wallet | None = None

    def compose(self) -> ComposeResult:
        me = self.session.me.id
        yield Label("Wallet", classes="pane-title")
        yield Static("…", id="balance")
        yield Static("", id="money-more")
        yield Label("Requests", classes="section")
        yield RequestList(me, id="requests", empty="No open requests. R asks for money.")
        yield Label(HISTORY_TITLE, classes="section", id="history-title")
        yield TransferList(me, id="transfers", empty="No payments yet. Press p to pay.")

    @property
    def history(self) -> TransferList:
        return self.query_one(TransferList)

    @property
    def requests(self) -> RequestList:
        return self.query_one(RequestList)

    # --- loading --------------------------------------------------------------------

    def on_mount(self) -> None:
        subscribe(self, live(self).wallet, self._wallet_event)

    def _wallet_event(self, event: WalletEvent) -> None:
        match event:
            case TransferUpdated(data=data):
                self.transfer_changed(data.transfer, data.balance)
            case BillUpdated(data=bill):
                self.bill_changed(bill)

    @worker(exclusive=True, group="wallet")
    async def load(self) -> None:
        client = self.session.client
        try:
            wallet = await client.wallet.balances()
            incoming = await client.bills.requests("incoming", "open")
            outgoing = await client.bills.requests("outgoing", "open")
        except ApiError as exc:
            self.notify(exc.message, title="Wallet", severity="error")
            return
        self.show_wallet(wallet)
        mine = sorted([*incoming.items, *outgoing.items], key=lambda r: r.created_at, reverse=True)
        self.requests.add_bottom(mine)  # merged: a request that came live stays
        self.load_history()

    @worker(exclusive=True, group="history")
    async def load_history(self, before: str | None = None) -> None:
        f = self.filter
        if before is None:
            self.live_ids.clear()
        self.history_loading = True
        try:
            page = await self.session.client.wallet.history(
                before,
                direction=f.direction,
                with_=f.with_,
                kind=f.kind,
                since=f.since,
                until=f.until,
                q=f.q,
            )
        except ApiError as exc:
            self.notify(exc.message, title="History", severity="error")
            return
        finally:
            self.history_loading = False
        self.history_next = page.next
        if before is None:
            # Payments that arrived live while this page was on its way may be newer than
            # it: put them back on top, so a reload never loses one.
            live = [t for t in self.history.items if t.id in self.live_ids]
            self.history.set_items(page.items)
            for transfer in reversed(live):
                self.history.upsert(transfer)
        else:
            self.history.add_bottom(page.items)

    @worker(exclusive=True, group="wallet-read")
    async def reload_wallet(self) -> None:
        try:
            wallet = await self.session.client.wallet.balances()
        except ApiError:
            return  # the next change tries again; what shows stays
        self.show_wallet(wallet)

    def show_wallet(self, wallet: Wallet) -> None:
        """Cash per currency, then what is on its way, savings and the linked bank."""
        self.wallet = wallet
        for money in wallet.balances or [Money(amount=0, currency=CURRENCY)]:
            self.show_balance(money)
        lines = [
            *(
                Content.styled(f"+{_amount(m)} on its way from your bank", "dim")
                for m in wallet.pending
            ),
            *(Content.styled(f"−{_amount(m)} on its way to your bank", "dim") for m in wallet.held),
        ]
        if wallet.savings is not None:
            lines.append(
                Content.assemble(
                    ("Savings ", "dim"), (_amount(wallet.savings), "bold"), ("  S", "dim")
                )
            )
        if wallet.bank is not None:
            bank = wallet.bank
            lines.append(Content.styled(f"Bank: {bank.bank_name} ••{bank.last4}", "dim"))
        more = self.query_one("#money-more", Static)
        more.update(Content("\n").join(lines))
        more.display = bool(lines)

    @on(ItemLines.NearEnd, "#transfers")
    def _older(self) -> None:
        if self.history_next and not self.history_loading:
            self.load_history(self.history_next)

    def show_balance(self, money: Money) -> None:
        """Every currency held, one line each (a payment in one never hides another)."""
        self.balances[money.currency] = money
        held = [m for m in self.balances.values() if m.amount] or list(self.balances.values())
        lines = [
            Content.assemble((_amount(m), "bold"), (f"  {m.currency}", "dim"))
            for m in sorted(held, key=lambda m: m.currency)
        ]
        if not any(m.amount for m in held):
            lines.append(Content.styled(EMPTY_WALLET, "dim"))
        self.query_one("#balance", Static).update(Content("\n").join(lines))

    # --- live changes ---------------------------------------------------------------

    def transfer_changed(self, transfer: Transfer, balance: Money | None) -> None:
        if balance is None:  # a card in a group chat: not my money
            return
        self.show_balance(balance)
        if transfer.kind in OWN_MONEY:  # pending, savings or a second currency changed too
            self.reload_wallet()
        known = self.history.has(transfer.id)
        if known or not self.filter.active:
            self.history.upsert(transfer)
            self.live_ids.add(transfer.id)
        me = self.session.me.id
        if transfer.kind in OWN_MONEY:
            self._bank_said(transfer, known)
        elif (
            not known
            and transfer.recipient.id == me
            and transfer.sender
            and (transfer.status == "completed")
        ):
            verb = VERBS.get(transfer.kind, "paid")
            said = f"@{transfer.sender.handle} {verb} you {_amount(transfer.amount)}" + (
                f" · {transfer.note}" if transfer.note else ""
            )
            self.notify(said, title="Money in", markup=False)
            self.session.alerts("payment", "Money in", said, terminal_writer(self.app))

    def _bank_said(self, transfer: Transfer, known: bool) -> None:
        """What the bank did, when it did it (what I did myself the dialog said)."""
        amount = _amount(transfer.amount)
        match transfer.kind, transfer.status:
            case "deposit", "completed" if known:  # it was pending here: settled now
                self.notify(f"{amount} from your bank has arrived.", title="Bank")
            case "withdrawal", "voided":
                self.notify(
                    f"Your bank refused {amount}: it is back in your balance.",
                    title="Bank",
                    severity="warning",
                )
            case "return", _:
                self.notify(transfer.note, title="Bank", severity="warning", markup=False)

    def bill_changed(self, bill: Bill) -> None:
        known = {r.id: r for r in self.requests.items}
        for request in bill.requests:
            me = self.session.me.id
            if me not in (request.payer.id, bill.requester.id):
                continue
            before = known.get(request.id)
            self.requests.show(request)
            if request.payer.id != me or request.status != "open":
                continue
            if before is None or before.reminded_at != request.reminded_at:
                title = "Reminder" if before else "Money requested"
                said = f"@{bill.requester.handle} asks you for {_amount(request.amount)}" + (
                    f" · {request.note}" if request.note else ""
                )
                self.notify(said, title=title, markup=False)
                self.session.alerts("request", title, said, terminal_writer(self.app))

    # --- actions on the selection ---------------------------------------------------

    def _selected_request(self) -> PaymentRequest | None:
        return self.requests.selected if self.requests.has_focus else None

    def _selected_transfer(self) -> Transfer | None:
        return self.history.selected if self.history.has_focus else None

    def action_pay_request(self) -> None:
        request = self._selected_request()
        if request is not None and self.requests.incoming(request):
            self.post_message(intents.PayRequest(request))

    def action_decline(self) -> None:
        request = self._selected_request()
        if request is not None and self.requests.incoming(request):
            bills = self.session.client.bills
            self._ask(
                f"Decline @{request.requester.handle}'s request for {_amount(request.amount)}?",
                "Decline",
                lambda: self._settle(bills.decline(request.id), "Declined."),
            )

    def action_cancel(self) -> None:
        request = self._selected_request()
        if request is not None and not self.requests.incoming(request):
            bills = self.session.client.bills
            self._ask(
                f"Cancel your request to @{request.payer.handle} for {_amount(request.amount)}?",
                "Cancel it",
                lambda: self._settle(bills.cancel(request.id), "Request cancelled."),
            )
            return
        transfer = self._selected_transfer()
        if transfer is not None:
            self.cancel_payment(transfer)

    def _ask(self, question: str, yes: str, then: Callable[[], object]) -> None:
        """Closing a request can't be undone: ask first."""

        def answered(sure: bool | None) -> None:
            if sure:
                then()

        self.post_message(intents.Ask(question, yes, answered))

    def action_remind(self) -> None:
        request = self._selected_request()
        if request is not None and not self.requests.incoming(request):
            self.remind(request.bill_id)

    def remind(self, bill_id: str) -> None:
        self._settle(self.session.client.bills.remind(bill_id), "Reminder sent.")

    @worker(group="wallet-action")
    async def _settle(self, call: Awaitable[object], done: str) -> None:
        try:
            await call
        except ApiError as exc:
            self.notify(exc.message, severity="error")
            return
        self.notify(done)

    def cancel_payment(self, transfer: Transfer) -> None:
        me = self.session.me.id
        if transfer.status != "pending" or transfer.sender is None or transfer.sender.id != me:
            self.notify("Only a pending payment of yours can be cancelled.", severity="warning")
            return
        self._cancel(transfer.id)

    @worker(group="wallet-action")
    async def _cancel(self, transfer_id: str) -> None:
        try:
            voided = await self.session.client.wallet.cancel(transfer_id)
        except ApiError as exc:
            self.notify(exc.message, severity="error")
            return
        self.notify(f"Cancelled: {_amount(voided.amount)} is back in your balance.")

    def last_pending(self) -> Transfer | None:
        me = self.session.me.id
        for transfer in self.history.items:
            if transfer.status == "pending" and transfer.sender and transfer.sender.id == me:
                return transfer
        return None

    def action_refund(self) -> None:
        transfer = self._selected_transfer()
        if transfer is None:
            return
        refundable = (
            transfer.recipient.id == self.session.me.id
            and transfer.sender is not None
            and transfer.kind in ("payment", "request", "tip")
            and transfer.status == "completed"
            and transfer.refunded.amount < transfer.amount.amount
        )
        if not refundable:
            self.notify("Only money you received can be refunded.", severity="warning")
            return
        self.post_message(intents.Refund(transfer))

    def action_receipt(self) -> None:
        transfer = self._selected_transfer()
        if transfer is not None:
            self.save_receipt(transfer)

    @worker(group="wallet-action")
    async def save_receipt(self, transfer: Transfer) -> None:
        if self.session.data_dir is None:
            return
        try:
            receipt = await self.session.client.wallet.receipt(transfer.id)
        except ApiError as exc:
            self.notify(exc.message, title="Receipt", severity="error")
            return
        folder = self.session.data_dir / "receipts"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{transfer.id}.json"
        path.write_text(json.dumps(receipt.model_dump(), indent=2, ensure_ascii=False) + "\n")
        self.notify(
            f"Saved to {path}\nCheck it any time: xapp receipt verify {path}",
            title="Signed receipt",
            markup=False,
            timeout=10,
        )

    def action_filter(self) -> None:
        def apply(chosen: HistoryFilter | None) -> None:
            if chosen is None:
                return
            self.filter = chosen
            title = HISTORY_TITLE
            if chosen.active:
                title = f"Filtered: {chosen.describe()} · f changes"
            self.query_one("#history-title", Label).update(Content(title))
            self.load_history()

        self.post_message(intents.ChooseHistoryFilter(self.filter, apply))

    def action_earnings(self) -> None:
        self.post_message(intents.OpenEarnings())

    def action_receive(self) -> None:
        self.post_message(intents.Receive())

    def action_invoices(self) -> None:
        self.post_message(intents.OpenInvoices())

    def action_verification(self) -> None:
        self.post_message(intents.OpenVerification())

    def action_schedules(self) -> None:
        self.post_message(intents.OpenSchedules())

    def action_statement(self) -> None:
        self.post_message(intents.OpenStatement())

    def action_rules(self) -> None:
        self.post_message(intents.OpenRules())

    def _move(self, what: str) -> None:
        """Open a move's dialog; once it did something, read the wallet again (linking a
        bank brings no event)."""
        self.post_message(
            intents.MoveMoney(what, self.wallet, lambda done: done and self.reload_wallet())
        )

    def action_add_money(self) -> None:
        self._move("deposit")

    def action_withdraw(self) -> None:
        self._move("withdraw")

    def action_savings(self) -> None:
        self._move("savings")

    def action_exchange(self) -> None:
        self._move("exchange")

    def action_bank(self) -> None:
        self._move("bank")
