"""Money enters only through the bank rail: the audit names money that entered with no
bank behind it on purpose (the demo seed, instant deposits in tests) and flags any other
deposit as money from nowhere, however balanced its postings are."""

from __future__ import annotations

from tests.conftest import People, audit, usd
from xapp.server import accounts, payments


async def test_minted_money_is_named_and_stray_money_is_flagged(
    people: People, server, db_path
) -> None:
    ada = await people.signed_in("ada")
    await ada.wallet.deposit(usd(5_000))  # this test server allows instant deposits
    await ada.wallet.deposit(usd(2_500))
    checked = audit(db_path)
    assert checked.returncode == 0, checked.stdout
    assert "note: 2 deposits came with no bank behind them (instant deposit): 7500 USD" in (
        checked.stdout
    )

    async def stray() -> None:  # a deposit written past the rail and the settings
        db = server.app.state.db
        async with db.write() as tx:
            me = await accounts.by_handle(tx.conn, "ada")
            await payments.deposit(tx, me, usd(1_000_000))

    server.call(stray)
    checked = audit(db_path)
    assert checked.returncode == 1
    assert "came from nowhere: no bank transfer and not recorded as minted" in checked.stdout
