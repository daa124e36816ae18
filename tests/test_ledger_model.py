"""The ledger against a model: hypothesis drives payments, holds, cancels, releases,
refunds, tips and requests through the real server, and after every step each
balance must equal the model's and the audit must pass."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from tests.conftest import PASSWORD, query, usd
from xapp.api.client import ApiClient
from xapp.api.errors import ApiError, InsufficientFunds
from xapp.api.models import Transfer
from xapp.embedded import ServerThread
from xapp.server import ServerSettings
from xapp.server.audit import audit
from xapp.server.payments import due, release

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
    # A long undo window: payments stay pending until the machine releases or cancels them.
    fast = ServerSettings(db=str(db), undo_seconds=3600, argon2_memory_kib=256, argon2_time_cost=1)
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
            for client in self.clients:
                run(client.wallet.deposit(usd(START)))
            self.balance = [START] * PEOPLE
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
            held = query(
                world.db,
                "SELECT t.id, a.handle FROM transfers t JOIN accounts a ON a.id = t.sender_id "
                "WHERE t.status = 'pending'",
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

        @rule(who=st.integers(0, PEOPLE - 1), amount=amounts)
        def deposit(self, who: int, amount: int) -> None:
            run(self.clients[who].wallet.deposit(usd(amount)))
            self.balance[who] += amount

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
                self.deposit(payment.payee, short)
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
                assert run(client.wallet.balances()).balances == [usd(self.balance[who])]
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
