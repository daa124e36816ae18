"""The ledger against a model: hypothesis drives payments, holds, cancels, releases,
refunds, tips and requests, the bank rail (deposits and withdrawals that settle, fail or
come back later), savings and exchanges through the real server, and after every step
each balance (cash per currency, savings, on its way to and from the bank) must equal
the model's and the audit must pass."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import threading
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from tests.conftest import PASSWORD, query, usd
from xapp.api.client import ApiClient
from xapp.api.errors import ApiError, InsufficientFunds, InvalidRequest
from xapp.api.models import Money, Transfer
from xapp.embedded import ServerThread
from xapp.server import ServerSettings, accounts, banking, fx, payments
from xapp.server.audit import audit
from xapp.server.payments import due, release
from xapp.server.rail import SandboxRail

T = TypeVar("T")
FAR_FUTURE = 2**62
PEOPLE = 3
amounts = st.integers(min_value=1, max_value=40_000)
START = 50_000
"""What each person has when an example starts."""
EXAMPLES = 40
STEPS = 20
"""Derandomized, so every run tries the same examples. With 40 a refund bound that lets
one cent too many through failed in 20 runs out of 20 with random seeds (10: 9 of 10; the
old 20 examples without the edge rule: about 1 run in 4); passing takes ~20 s."""


class Loop:
    """An event loop in a thread, so hypothesis's synchronous rules can await clients."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Awaitable[T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(60)  # type: ignore[arg-type]

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@dataclass
class World:
    server: ServerThread
    loop: Loop
    db: Path
    names = itertools.count()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    db = Path(tmp_path_factory.mktemp("model")) / "xapp.db"
    # A long undo window: payments stay pending until the machine releases or cancels them;
    # the bank takes ten days, so it answers only when the machine asks it (`bank_answers`);
    # savings pay nothing, so a month turning while the test runs changes nothing.
    fast = ServerSettings(
        db=str(db),
        undo_seconds=3600,
        argon2_memory_kib=256,
        argon2_time_cost=1,
        instant_deposits=False,
        rail_settle_seconds=10 * 86_400,
        rail_return_seconds=86_400,
        savings_apy=Decimal(0),
    )
    loop = Loop()
    with ServerThread(fast) as server:
        yield World(server, loop, db)
    loop.close()


@dataclass(eq=False)
class Payment:
    """Money on its way or arrived: its payer has paid; its payee has it once completed."""

    id: str
    payer: int
    payee: int
    amount: int
    refunded: int = 0
    refund_of: Payment | None = None
    """The payment this one sends back (a refund counts against it from the start)."""
    request: Request | None = None
    """The request this one pays (a cancelled payment opens it again)."""


@dataclass(eq=False)
class BankMove:
    """A deposit (in) or withdrawal (out) the bank has not answered, or has settled and
    will send back (the third person's bank returns everything)."""

    who: int
    amount: int
    into: bool


BANKS = ("000123456789", "000123450001", "000123450002")
"""Each person's bank: settles; refuses ("Account closed"); settles, then returns."""
FUTURE_BANK = SandboxRail(0, 0, clock=lambda: FAR_FUTURE)
"""The sandbox bank, its clock at the end of time: every answer it has is due."""
JPY = "JPY"


@dataclass(eq=False)
class Request:
    id: str
    requester: int
    payer: int
    amount: int


def ledger_machine(world: World) -> type[RuleBasedStateMachine]:
    run = world.loop.run

    class Ledger(RuleBasedStateMachine):
        """Every kind of money out takes its status from the server: "pending" (held in
        the undo window, cancellable) or "completed". A plain payment must be held (the
        window is an hour); whatever is held completes at `release` or comes back at
        `cancel`, and the balances and the audit say whether the server did it right."""

        @initialize()
        def people(self) -> None:
            self.clients: list[ApiClient] = []
            self.handles: list[str] = []
            for _ in range(PEOPLE):
                handle = f"who{next(World.names):05d}"
                client = ApiClient(world.server.url)
                run(client.accounts.register(handle, handle, PASSWORD))
                run(client.accounts.login(handle, PASSWORD))
                self.clients.append(client)
                self.handles.append(handle)
            # Everyone starts with money, so most payments go through and there are
            # payments to release, cancel and refund; spending it all still happens.
            self.balance = [0] * PEOPLE
            for who, client in enumerate(self.clients):
                run(client.wallet.verify(self.handles[who], dt.date(1990, 1, 1), "US"))
                run(client.wallet.link_bank(self.handles[who], "021000021", BANKS[who]))
                self._give(who, START)
            self.savings = [0] * PEOPLE
            self.yen = [0] * PEOPLE
            self.at_bank: list[BankMove] = []
            self.coming_back: list[BankMove] = []
            self.pending: list[Payment] = []
            self.completed: list[Payment] = []  # refundable: payments, paid requests, tips
            self.requests: list[Request] = []
            self.posts = [
                run(c.posts.create(f"post by {h}")).id
                for c, h in zip(self.clients, self.handles, strict=True)
            ]

        def teardown(self) -> None:
            if not hasattr(self, "clients"):
                return
            # Whatever our people left held goes back, the model's or not (a failed step
            # can leave one it never saw), so the next example's release finds only its own.
            # (What waits for the bank is the bank's to answer, in a later example.)
            held = query(
                world.db,
                "SELECT t.id, a.handle FROM transfers t JOIN accounts a ON a.id = t.sender_id "
                "WHERE t.status = 'pending' AND t.kind NOT IN ('deposit', 'withdrawal')",
            )
            for transfer_id, handle in held:
                if handle in self.handles:
                    run(self.clients[self.handles.index(handle)].wallet.cancel(transfer_id))
            for client in self.clients:
                run(client.aclose())

        def _pay(self, payer: int, amount: int, call: Awaitable[T]) -> T | None:
            """Run a call that spends `amount` of payer's money; check a refusal is right."""
            try:
                return run(call)
            except InsufficientFunds:
                assert self.balance[payer] < amount
                return None

        def _sent(self, transfer: Transfer, payment: Payment) -> None:
            """The server took `payment` out of its payer's account, held or not."""
            assert transfer.amount == usd(payment.amount)
            self.balance[payment.payer] -= payment.amount
            if payment.refund_of is not None:
                payment.refund_of.refunded += payment.amount
            if transfer.status == "pending":
                self.pending.append(payment)
            else:
                assert transfer.status == "completed", transfer.status
                self._arrived(payment)

        def _arrived(self, payment: Payment) -> None:
            self.balance[payment.payee] += payment.amount
            if payment.refund_of is None:
                self.completed.append(payment)

        def _give(self, who: int, amount: int) -> None:
            """Money that settled before the step (the server's own deposit, as a bank
            that already answered would leave it)."""
            db, handle = world.server.app.state.db, self.handles[who]

            async def give() -> None:
                async with db.write() as tx:
                    person = await accounts.by_handle(tx.conn, handle)
                    await payments.deposit(tx, person, usd(amount), minted_for="instant_deposit")

            world.server.call(give)
            self.balance[who] += amount

        @rule(who=st.integers(0, PEOPLE - 1), amount=amounts)
        def deposit(self, who: int, amount: int) -> None:
            sent = run(self.clients[who].wallet.deposit(usd(amount)))
            assert sent.status == "pending"
            self.at_bank.append(BankMove(who, amount, into=True))

        @rule(who=st.integers(0, PEOPLE - 1), amount=amounts)
        def withdraw(self, who: int, amount: int) -> None:
            sent = self._pay(who, amount, self.clients[who].wallet.withdraw(usd(amount)))
            if sent is not None:
                assert sent.status == "pending"
                self.balance[who] -= amount
                self.at_bank.append(BankMove(who, amount, into=False))

        @precondition(lambda self: self.at_bank or self.coming_back)
        @rule()
        def bank_answers(self) -> None:
            """The bank answers everything it owes, in the order it was asked: first what
            it sends back from an earlier answer, then what it settles or refuses now."""
            db = world.server.app.state.db
            world.server.call(lambda: banking.book_answers(db, FUTURE_BANK))
            for move in self.coming_back:
                if move.into:  # a returned deposit: as much as is there goes back
                    self.balance[move.who] -= min(self.balance[move.who], move.amount)
                else:
                    self.balance[move.who] += move.amount
            self.coming_back = []
            for move in self.at_bank:
                refused = BANKS[move.who].endswith("0001")
                if move.into and not refused:
                    self.balance[move.who] += move.amount
                if not move.into and refused:
                    self.balance[move.who] += move.amount
                if BANKS[move.who].endswith("0002"):
                    self.coming_back.append(move)
            self.at_bank = []

        @rule(who=st.integers(0, PEOPLE - 1), amount=amounts, into=st.booleans())
        def savings(self, who: int, amount: int, into: bool) -> None:
            wallet = self.clients[who].wallet
            have = self.balance[who] if into else self.savings[who]
            call = wallet.to_savings(usd(amount)) if into else wallet.from_savings(usd(amount))
            if have < amount:
                with pytest.raises(InvalidRequest):
                    run(call)
                return
            run(call)
            self.balance[who] += -amount if into else amount
            self.savings[who] += amount if into else -amount

        @rule(who=st.integers(0, PEOPLE - 1), amount=amounts, to_yen=st.booleans())
        def exchange(self, who: int, amount: int, to_yen: bool) -> None:
            """At the server's quote, which must be its own price for the amount: money
            leaves one currency and arrives in the other, never more than it is worth."""
            wallet = self.clients[who].wallet
            sell = usd(amount) if to_yen else Money(amount=amount, currency=JPY)
            try:
                quote = run(wallet.quote(sell, JPY if to_yen else "USD"))
            except InvalidRequest as exc:  # too little to buy anything
                assert exc.code == "too_small"
                return
            _, bought, _ = fx.price(world.server.settings, sell, quote.buy.currency)
            assert quote.buy.amount == bought
            have = self.balance[who] if to_yen else self.yen[who]
            if have < amount:
                with pytest.raises(InsufficientFunds):
                    run(wallet.exchange(quote.id))
                return
            done = run(wallet.exchange(quote.id))
            assert done.received == quote.buy
            if to_yen:
                self.balance[who] -= amount
                self.yen[who] += bought
            else:
                self.yen[who] -= amount
                self.balance[who] += bought

        @rule(payer=st.integers(0, PEOPLE - 1), payee=st.integers(0, PEOPLE - 1), amount=amounts)
        def pay(self, payer: int, payee: int, amount: int) -> None:
            if payer == payee:
                with pytest.raises(ApiError, match="yourself"):
                    run(self.clients[payer].wallet.pay(self.handles[payee], usd(amount)))
                return
            sent = self._pay(
                payer, amount, self.clients[payer].wallet.pay(self.handles[payee], usd(amount))
            )
            if sent is not None:
                assert sent.status == "pending"
                self._sent(sent, Payment(sent.id, payer, payee, amount))

        @precondition(lambda self: self.pending)
        @rule(data=st.data())
        def cancel(self, data: st.DataObject) -> None:
            payment = data.draw(st.sampled_from(self.pending))
            assert run(self.clients[payment.payer].wallet.cancel(payment.id)).status == "voided"
            self.pending.remove(payment)
            self.balance[payment.payer] += payment.amount
            if payment.refund_of is not None:  # no longer counts against what it returned
                payment.refund_of.refunded -= payment.amount
            if payment.request is not None:  # the request is open again
                self.requests.append(payment.request)

        @precondition(lambda self: self.pending)
        @rule()
        def release(self) -> None:
            db = world.server.app.state.db

            async def now() -> int:
                async with db.write() as tx:
                    return sum([await release(tx, t) for t in await due(tx.conn, FAR_FUTURE)])

            # Earlier examples' leftovers are cancelled in teardown, so only ours are due.
            assert world.server.call(now) == len(self.pending)
            for payment in self.pending:
                self._arrived(payment)
            self.pending = []

        def _refund(self, payment: Payment, amount: int) -> None:
            """Send `amount` of `payment` back; the server must refuse more than is left."""
            call = self.clients[payment.payee].wallet.refund(payment.id, usd(amount))
            if payment.refunded + amount > payment.amount:
                with pytest.raises(ApiError, match="at most"):
                    run(call)
                return
            sent = self._pay(payment.payee, amount, call)
            if sent is not None:
                self._sent(
                    sent, Payment(sent.id, payment.payee, payment.payer, amount, refund_of=payment)
                )

        @precondition(lambda self: self.completed)
        @rule(data=st.data(), share=st.integers(1, 100))
        def refund(self, data: st.DataObject, share: int) -> None:
            payment = data.draw(st.sampled_from(self.completed))
            self._refund(payment, max(1, payment.amount * share // 100))

        @precondition(lambda self: self.completed)
        @rule(data=st.data())
        def refund_the_rest(self, data: st.DataObject) -> None:
            """The edge of the bound: a cent more than is left (refused), then exactly
            what is left (allowed). The refunder is given the money first, so only the
            bound can refuse."""
            payment = data.draw(st.sampled_from(self.completed))
            left = payment.amount - payment.refunded
            short = left + 1 - self.balance[payment.payee]
            if short > 0:
                self._give(payment.payee, short)
            self._refund(payment, left + 1)
            if left > 0:
                self._refund(payment, left)

        @rule(fan=st.integers(0, PEOPLE - 1), author=st.integers(0, PEOPLE - 1), amount=amounts)
        def tip(self, fan: int, author: int, amount: int) -> None:
            call = self.clients[fan].wallet.tip(self.posts[author], usd(amount))
            if fan == author:
                with pytest.raises(ApiError, match="own post"):
                    run(call)
                return
            sent = self._pay(fan, amount, call)
            if sent is not None:
                self._sent(sent, Payment(sent.id, fan, author, amount))

        @rule(
            requester=st.integers(0, PEOPLE - 1), payer=st.integers(0, PEOPLE - 1), amount=amounts
        )
        def request(self, requester: int, payer: int, amount: int) -> None:
            if requester == payer:
                return
            bill = run(self.clients[requester].bills.request([self.handles[payer]], usd(amount)))
            self.requests.append(Request(bill.requests[0].id, requester, payer, amount))

        @precondition(lambda self: self.requests)
        @rule(data=st.data(), accept=st.booleans())
        def answer_request(self, data: st.DataObject, accept: bool) -> None:
            request = data.draw(st.sampled_from(self.requests))
            if not accept:
                run(self.clients[request.payer].bills.decline(request.id))
                self.requests.remove(request)
                return
            call = self.clients[request.payer].bills.pay(request.id)
            sent = self._pay(request.payer, request.amount, call)
            if sent is not None:
                self.requests.remove(request)
                payment = Payment(
                    sent.id, request.payer, request.requester, request.amount, request=request
                )
                self._sent(sent, payment)

        @invariant()
        def balances_match_and_the_audit_passes(self) -> None:
            if not hasattr(self, "clients"):
                return
            for who, client in enumerate(self.clients):
                wallet = run(client.wallet.balances())
                cash = [usd(self.balance[who])]
                if self.yen[who] or any(m.currency == JPY for m in wallet.balances):
                    cash.insert(0, Money(amount=self.yen[who], currency=JPY))
                assert wallet.balances == cash
                assert (wallet.savings.amount if wallet.savings else 0) == self.savings[who]
                coming = sum(m.amount for m in self.at_bank if m.who == who and m.into)
                going = sum(m.amount for m in self.at_bank if m.who == who and not m.into)
                assert wallet.pending == ([usd(coming)] if coming else [])
                assert wallet.held == ([usd(going)] if going else [])
            report = world.server.call(lambda: audit(world.server.app.state.db))
            assert report.ok, str(report)

    return Ledger


def test_the_ledger_matches_a_model(world: World) -> None:
    """Derandomized: the same examples every run (a seed per test, no example database),
    enough of them that a refund bound off by a cent fails every run, not one in four."""
    machine = ledger_machine(world)
    machine.TestCase.settings = settings(
        derandomize=True,
        database=None,
        max_examples=EXAMPLES,
        stateful_step_count=STEPS,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    machine.TestCase().runTest()
