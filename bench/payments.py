"""Payments: how long one takes, how many go through per second, what the PIN costs,
and whether history stays fast as it grows.

Runs the real server on loopback over a fresh SQLite file, with real clients:

- one payer, sequential: latency per payment without a PIN and with one (argon2id);
- 20 payers at once: payments per second through the single writer;
- history: the newest page, and a note search, with 100 and with 10,000 transfers in
  one account (same run, so the ratio is fair on a noisy machine).

The last line is the figures as one JSON object.

    .venv/bin/python bench/payments.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import statistics
import tempfile
import time
from pathlib import Path

from xapp.api.client import ApiClient
from xapp.api.models import Money
from xapp.embedded import ServerThread
from xapp.server import ServerSettings, accounts, money_out, payments, pins

PASSWORD = "correct horse battery"
PIN = "2468"


def usd(cents: int) -> Money:
    return Money(amount=cents, currency="USD")


async def person(url: str, handle: str) -> ApiClient:
    client = ApiClient(url)
    await client.accounts.register(handle, handle.title(), PASSWORD)
    await client.accounts.login(handle, PASSWORD)
    return client


async def timed(calls: int, make) -> list[float]:
    times = []
    for i in range(calls):
        t0 = time.perf_counter()
        await make(i)
        times.append(time.perf_counter() - t0)
    return times


def ms(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 2)


def p95(values: list[float]) -> float:
    return round(sorted(values)[int(len(values) * 0.95)] * 1000, 2)


def seed_history(server: ServerThread, handle: str, count: int) -> None:
    """`count` payments into `handle`'s history, written straight through the domain layer
    (the API would take minutes to make 10,000)."""
    db = server.app.state.db

    async def write() -> None:
        async with db.write() as tx:
            me = await accounts.by_handle(tx.conn, handle)
            other = await accounts.by_handle(tx.conn, "filler")
            await payments.deposit(tx, other, usd(count * 100), minted_for="instant_deposit")
            proof = await pins.pinless(tx.conn, other)
            rules = money_out.Rules.of(server.settings)
            for i in range(count):
                note = "pizza night" if i % 100 == 0 else f"rent share {i}"
                order = money_out.Payment(me.handle, usd(100), note)
                await money_out.send(tx, proof, order, rules)

    server.call(write, timeout=600)


async def main() -> dict[str, float]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        # Accounts are funded over HTTP with no bank, and verified at once, as in the tests;
        # and a bench writes as fast as it can, past a person's write limit.
        settings = ServerSettings(
            db=str(Path(folder) / "bench.db"),
            instant_deposits=True,
            verification_seconds=0,
            writes=10_000_000,
            registrations=100_000,
        )
        with ServerThread(settings) as server:
            url = server.url
            ada, bob = await person(url, "ada"), await person(url, "bob")
            await ada.wallet.deposit(usd(10_000_000))

            plain = await timed(200, lambda i: ada.wallet.pay("bob", usd(100), f"n{i}"))
            figures["payment_median_ms"] = ms(plain)
            figures["payment_p95_ms"] = p95(plain)
            await ada.wallet.set_pin(PASSWORD, PIN)
            pinned = await timed(50, lambda i: ada.wallet.pay("bob", usd(100), f"p{i}", pin=PIN))
            figures["payment_with_pin_median_ms"] = ms(pinned)

            payers = [await person(url, f"payer{i}") for i in range(20)]
            for payer in payers:
                await payer.wallet.deposit(usd(1_000_000))
            per_payer = 25
            t0 = time.perf_counter()
            await asyncio.gather(
                *(
                    timed(per_payer, lambda i, p=p: p.wallet.pay("bob", usd(100), f"c{i}"))
                    for p in payers
                )
            )
            elapsed = time.perf_counter() - t0
            figures["concurrent_payers"] = len(payers)
            figures["payments_per_s"] = round(len(payers) * per_payer / elapsed, 1)

            filler = await person(url, "filler")
            # A business's daily limit covers the 10,000 dollars it pays; an unverified one's not.
            await filler.wallet.verify("Filler Inc", dt.date(1990, 1, 1), "US", business=True)
            for size in (100, 10_000):
                handle = f"h{size}"
                reader = await person(url, handle)
                await asyncio.to_thread(seed_history, server, handle, size)
                page = await timed(30, lambda i, r=reader: r.wallet.history())
                search = await timed(30, lambda i, r=reader: r.wallet.history(q="pizza"))
                figures[f"history_{size}_page_ms"] = ms(page)
                figures[f"history_{size}_note_search_ms"] = ms(search)
                await reader.aclose()
            figures["history_page_ratio_10000_vs_100"] = round(
                figures["history_10000_page_ms"] / figures["history_100_page_ms"], 2
            )
            figures["note_search_ratio_10000_vs_100"] = round(
                figures["history_10000_note_search_ms"] / figures["history_100_note_search_ms"], 2
            )
            for client in (ada, bob, *payers):
                await client.aclose()
    return figures


if __name__ == "__main__":
    result = asyncio.run(main())
    for name, value in result.items():
        print(f"{name:40} {value}")
    print(json.dumps(result))
