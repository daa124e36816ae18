"""Signed receipts: every completed transfer has one, checkable offline with the CLI."""

from __future__ import annotations

import base64
import json
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.conftest import People, usd, xapp_command
from xapp.api.errors import Conflict, NotFound
from xapp.api.models import Receipt
from xapp.api.receipts import canonical
from xapp.embedded import ServerThread
from xapp.server import ServerSettings
from xapp.server.signing import KEY_FILE


def verify(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        xapp_command("receipt", "verify", str(path), *extra),
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_a_receipt_verifies_offline_and_any_change_breaks_it(
    people: People, db_path, tmp_path
) -> None:
    ada = await people.signed_in("ada", "Ada Lovelace")
    bob = await people.signed_in("bob", "Bob Builder")
    await ada.wallet.deposit(usd(5_000))
    payment = await ada.wallet.pay("bob", usd(1_250), "pizza 🍕")
    receipt = await bob.wallet.receipt(payment.id)  # both parties can fetch it
    assert receipt == await ada.wallet.receipt(payment.id)
    assert receipt.payload["amount_minor"] == 1_250 and receipt.payload["to"] == "@bob"
    server_key = await ada.wallet.receipt_key()
    assert receipt.public_key == server_key
    key_file = db_path.parent / KEY_FILE
    assert key_file.stat().st_mode & 0o777 == 0o600

    good = tmp_path / "receipt.json"
    good.write_text(receipt.model_dump_json(indent=2))
    result = verify(good, "--key", server_key)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Valid receipt: $12.50 from @ada to @bob")

    tampered = json.loads(good.read_text())
    tampered["payload"]["amount_minor"] = 125_000
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(tampered))
    result = verify(bad)
    assert result.returncode == 1
    assert "INVALID" in result.stdout and "does not match" in result.stdout

    # A receipt re-signed by another key is refused once the server's key is pinned.
    forger = Ed25519PrivateKey.generate()
    forged = Receipt(
        payload=tampered["payload"],
        public_key=base64.b64encode(
            forger.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
        ).decode(),
        signature=base64.b64encode(forger.sign(canonical(tampered["payload"]))).decode(),
    )
    forged_file = tmp_path / "forged.json"
    forged_file.write_text(forged.model_dump_json())
    assert verify(forged_file).returncode == 0  # self-consistent…
    result = verify(forged_file, "--key", server_key)
    assert result.returncode == 1 and "not the trusted key" in result.stdout  # …but not ours

    assert verify(tmp_path / "missing.json").returncode == 2


async def test_only_parties_get_receipts(people: People) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    eve = await people.signed_in("eve")
    await ada.wallet.deposit(usd(500))
    payment = await ada.wallet.pay("bob", usd(100))
    with pytest.raises(NotFound):
        await eve.wallet.receipt(payment.id)


@pytest.fixture
async def held_people(tmp_path: Path) -> AsyncIterator[People]:
    """People on a server whose undo window holds every payment (for a minute)."""
    with ServerThread(ServerSettings(db=str(tmp_path / "held.db"), undo_seconds=60)) as held:
        registry = People(held.url)
        yield registry
        await registry.close()


async def test_a_receipt_only_for_a_completed_payment(held_people: People) -> None:
    ada = await held_people.signed_in("ada")
    bob = await held_people.signed_in("bob")
    await ada.wallet.deposit(usd(500))
    payment = await ada.wallet.pay("bob", usd(100))

    async def no_receipt_yet() -> None:
        for party in (ada, bob):
            with pytest.raises(Conflict, match="issued once the payment completes"):
                await party.wallet.receipt(payment.id)

    assert payment.status == "pending"
    await no_receipt_yet()
    await ada.wallet.cancel(payment.id)
    await no_receipt_yet()  # nor ever, once cancelled


def test_processes_starting_at_once_share_one_whole_key(tmp_path: Path) -> None:
    """Several server processes on a fresh data dir (`--workers`, or a crash mid-start)
    end with one key, whole, that every one of them signs with."""
    from concurrent.futures import ThreadPoolExecutor

    from xapp.server.signing import ReceiptSigner

    for round_ in range(20):
        folder = tmp_path / str(round_)
        with ThreadPoolExecutor(8) as pool:
            signers = list(pool.map(ReceiptSigner, [folder] * 8))
        assert len({s.public_key for s in signers}) == 1
        assert [p.name for p in folder.iterdir()] == [KEY_FILE]  # no temporary left behind


def test_a_damaged_key_stops_the_server_with_a_sentence(tmp_path: Path) -> None:
    (tmp_path / KEY_FILE).write_bytes(b"")
    result = subprocess.run(
        xapp_command("serve", "--port", "0", "--db", str(tmp_path / "x.db")),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert f"{tmp_path / KEY_FILE} is not a receipt-signing key" in result.stderr
    assert "Traceback" not in result.stderr
