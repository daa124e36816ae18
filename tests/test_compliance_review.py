"""Compliance review: monitoring rules (data) run inside the money path; a flagged transfer
is held, the payer told only that it is under review; an operator approves or rejects it
with `xapp admin` (the money goes where it belongs, once), freezes and unfreezes accounts;
every operator action lands in a hash-chained log that `xapp audit` checks."""

from __future__ import annotations

import datetime as dt
import subprocess

from tests.conftest import People, audit, balance_of, query, refused, usd, xapp_command
from xapp.api.errors import ApiError, Conflict
from xapp.api.models import Transfer


def admin(db_path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        xapp_command("admin", *args, "--db", str(db_path)),
        capture_output=True,
        text=True,
        timeout=60,
    )


def held_ids(db_path) -> list[str]:
    return [r[0] for r in query(db_path, "SELECT transfer_id FROM reviews WHERE status = 'open'")]


async def test_a_payment_to_a_sanctioned_name_is_held_then_approved(
    people: People, db_path
) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("ivan", "Iván  SANCTIONOV")  # accents, case, spacing: the same name
    await ada.wallet.deposit(usd(10_000))
    sent = await ada.wallet.pay("ivan", usd(2_000), "invoice 4")
    assert (sent.status, sent.under_review) == ("pending", True)
    shown = sent.model_dump_json()
    assert "sanctions" not in shown and "rule" not in shown  # nothing about why
    assert (balance_of(db_path, "ada"), balance_of(db_path, "ivan")) == (8_000, 0)
    with refused(Conflict, 409, "under_review", "This payment is under review"):
        await ada.wallet.cancel(sent.id)
    assert (await ada.wallet.get(sent.id)).under_review

    queue = admin(db_path, "queue")
    assert queue.returncode == 0 and f"{sent.id}  sanctions  @ada → @ivan  $20.00" in queue.stdout
    refused_ = admin(db_path, "approve", sent.id, "--operator", "olga")
    assert refused_.returncode == 1
    assert "needs an operator and a reason" in refused_.stderr
    done = admin(db_path, "approve", sent.id, "--operator", "olga", "--reason", "a namesake")
    assert done.returncode == 0, done.stderr
    assert (balance_of(db_path, "ada"), balance_of(db_path, "ivan")) == (8_000, 2_000)
    again = admin(db_path, "approve", sent.id, "--operator", "olga", "--reason", "twice")
    assert again.returncode == 1 and "No transfer with that id" in again.stderr
    assert balance_of(db_path, "ivan") == 2_000  # once
    assert (await ada.wallet.get(sent.id)).status == "completed"
    assert audit(db_path).returncode == 0


async def test_a_rejected_transfer_comes_back(people: People, db_path) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("ivan", "Ivan Sanctionov")
    await ada.wallet.deposit(usd(10_000))
    sent = await ada.wallet.pay("ivan", usd(3_000))
    assert (
        admin(db_path, "reject", sent.id, "--operator", "olga", "--reason", "listed").returncode
        == 0
    )
    assert (balance_of(db_path, "ada"), balance_of(db_path, "ivan")) == (10_000, 0)
    assert (await ada.wallet.get(sent.id)).status == "voided"
    assert audit(db_path).returncode == 0


async def test_structuring_just_under_the_line_is_held(people: People, db_path) -> None:
    ada = await people.signed_in("ada")
    await ada.wallet.verify("Ada Lovelace", dt.date(1990, 5, 17), "US")  # limits above $2,500
    await people.signed_in("bob")
    await ada.wallet.deposit(usd(500_000))
    first = await ada.wallet.pay("bob", usd(95_000))
    second = await ada.wallet.pay("bob", usd(99_000))
    third = await ada.wallet.pay("bob", usd(96_000))
    assert [t.under_review for t in (first, second, third)] == [False, False, True]
    assert held_ids(db_path) == [third.id]


async def test_many_payers_to_a_new_account_are_held(people: People, db_path) -> None:
    await people.signed_in("mule")
    payers = [await people.signed_in(f"payer{n}") for n in range(5)]
    sent: list[Transfer] = []
    for payer in payers:
        await payer.wallet.deposit(usd(30_000))
        sent.append(await payer.wallet.pay("mule", usd(25_000)))
    assert [t.under_review for t in sent] == [False, False, False, False, True]


async def test_rapid_in_and_out_through_a_new_account_is_held(people: People, db_path) -> None:
    ada = await people.signed_in("ada")
    mule = await people.signed_in("mule")
    await people.signed_in("carol")
    await ada.wallet.deposit(usd(100_000))
    await ada.wallet.pay("mule", usd(60_000))
    onward = await mule.wallet.pay("carol", usd(50_000))
    assert onward.under_review
    assert balance_of(db_path, "carol") == 0


async def test_a_frozen_account_neither_sends_nor_receives(people: People, db_path) -> None:
    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob")
    await ada.wallet.deposit(usd(5_000))
    await bob.wallet.deposit(usd(5_000))
    assert (
        admin(db_path, "freeze", "bob", "--operator", "olga", "--reason", "court order").returncode
        == 0
    )
    try:
        await bob.wallet.pay("ada", usd(100))
        raise AssertionError("a frozen account paid")
    except ApiError as exc:
        assert (exc.code, exc.message) == ("frozen", "Your account is frozen: contact support")
    try:
        await ada.wallet.pay("bob", usd(100))
        raise AssertionError("a frozen account was paid")
    except ApiError as exc:
        assert exc.message == "@bob can't receive money right now"
    assert (
        admin(db_path, "unfreeze", "@bob", "--operator", "olga", "--reason", "lifted").returncode
        == 0
    )
    await ada.wallet.pay("bob", usd(100))


async def test_the_audit_finds_a_changed_operator_log(people: People, db_path) -> None:
    await people.signed_in("bob")
    admin(db_path, "freeze", "bob", "--operator", "olga", "--reason", "court order")
    admin(db_path, "unfreeze", "bob", "--operator", "olga", "--reason", "lifted")
    assert audit(db_path).returncode == 0
    query(db_path, "UPDATE operator_log SET reason = ? WHERE seq = 1", "nothing to see")
    result = audit(db_path)
    assert result.returncode != 0 and "operator log entry 1 was changed" in result.stdout
