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

from tests.conftest import PASSWORD, usd
from xapp.api.client import ApiClient
from xapp.api.errors import ApiError, InsufficientFunds
from xapp.embedded import ServerThread
from xapp.server import ServerSettings
from xapp.server.audit import audit
from xapp.server.payments import release_due

T = TypeVar("T")
FAR_FUTURE = 2**62
PEOPLE = 3
amounts = st.integers(min_value=1, max_value=40_000)


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
    names = itertools.count()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    db = Path(tmp_path_factory.mktemp("model")) / "xapp.db"
    # A long undo window: payments stay pending until the machine releases or cancels them.
    fast = ServerSettings(db=str(db), undo_seconds=3600, argon2_memory_kib=256, argon2_time_cost=1)
    loop = Loop()
    with ServerThread(fast) as server:
        yield World(server, loop)
    loop.close()


@dataclass
class Payment:
    id: str
    payer: int
    payee: int
    amount: int
    refunded: int = 0


def ledger_machine(world: World) -> type[RuleBasedStateMachine]:
    run = world.loop.run

    class Ledger(RuleBasedStateMachine):
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
            self.balance = [0] * PEOPLE
            self.pending: list[Payment] = []
            self.completed: list[Payment] = []
            self.requests: list[tuple[str, int, int, int]] = []  # id, requester, payer, amount
            self.posts = [
                run(c.posts.create(f"post by {h}")).id
                for c, h in zip(self.clients, self.handles, strict=True)
            ]

        def teardown(self) -> None:
            for payment in getattr(self, "pending", []):
                run(self.clients[payment.payer].wallet.cancel(payment.id))
            for client in getattr(self, "clients", []):
                run(client.aclose())

        def _pay(self, payer: int, amount: int, call: Awaitable[T]) -> T | None:
            """Run a call that spends `amount` of payer's money; check a refusal is right."""
            try:
                return run(call)
            except InsufficientFunds:
                assert self.balance[payer] < amount
                return None

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
                self.balance[payer] -= amount
                self.pending.append(Payment(sent.id, payer, payee, amount))

        @precondition(lambda self: self.pending)
        @rule(data=st.data())
        def cancel(self, data: st.DataObject) -> None:
            payment = data.draw(st.sampled_from(self.pending))
            assert run(self.clients[payment.payer].wallet.cancel(payment.id)).status == "voided"
            self.pending.remove(payment)
            self.balance[payment.payer] += payment.amount

        @precondition(lambda self: self.pending)
        @rule()
        def release(self) -> None:
            db = world.server.app.state.db

            async def now() -> int:
                async with db.write() as tx:
                    return await release_due(tx, FAR_FUTURE)

            # Earlier examples' leftovers are cancelled in teardown, so only ours are due.
            assert world.server.call(now) == len(self.pending)
            for payment in self.pending:
                self.balance[payment.payee] += payment.amount
            self.completed += self.pending
            self.pending = []

        @precondition(lambda self: self.completed)
        @rule(data=st.data(), share=st.integers(1, 100))
        def refund(self, data: st.DataObject, share: int) -> None:
            payment = data.draw(st.sampled_from(self.completed))
            amount = max(1, payment.amount * share // 100)
            call = self.clients[payment.payee].wallet.refund(payment.id, usd(amount))
            if payment.refunded + amount > payment.amount:
                with pytest.raises(ApiError, match="at most"):
                    run(call)
                return
            if self._pay(payment.payee, amount, call) is not None:
                payment.refunded += amount
                self.balance[payment.payee] -= amount
                self.balance[payment.payer] += amount

        @rule(fan=st.integers(0, PEOPLE - 1), author=st.integers(0, PEOPLE - 1), amount=amounts)
        def tip(self, fan: int, author: int, amount: int) -> None:
            call = self.clients[fan].wallet.tip(self.posts[author], usd(amount))
            if fan == author:
                with pytest.raises(ApiError, match="own post"):
                    run(call)
                return
            if self._pay(fan, amount, call) is not None:
                self.balance[fan] -= amount
                self.balance[author] += amount

        @rule(
            requester=st.integers(0, PEOPLE - 1), payer=st.integers(0, PEOPLE - 1), amount=amounts
        )
        def request(self, requester: int, payer: int, amount: int) -> None:
            if requester == payer:
                return
            bill = run(self.clients[requester].bills.request([self.handles[payer]], usd(amount)))
            self.requests.append((bill.requests[0].id, requester, payer, amount))

        @precondition(lambda self: self.requests)
        @rule(data=st.data(), accept=st.booleans())
        def answer_request(self, data: st.DataObject, accept: bool) -> None:
            request = data.draw(st.sampled_from(self.requests))
            request_id, requester, payer, amount = request
            if not accept:
                run(self.clients[payer].bills.decline(request_id))
                self.requests.remove(request)
                return
            if self._pay(payer, amount, self.clients[payer].bills.pay(request_id)) is not None:
                self.requests.remove(request)
                self.balance[payer] -= amount
                self.balance[requester] += amount

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
    machine = ledger_machine(world)
    machine.TestCase.settings = settings(
        max_examples=20,
        stateful_step_count=20,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    machine.TestCase().runTest()
