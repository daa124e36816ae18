"""The server's receipt-signing key: Ed25519, kept in the server's data dir.

Made on first start as a 0600 PEM file; every server process sharing the data dir signs
with the same key, so a receipt stays valid whichever process issued it.
"""

from __future__ import annotations

import base64
import contextlib
import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from xapp.api.models import Receipt, Transfer
from xapp.api.receipts import canonical

KEY_FILE = "receipt-signing-key.pem"


def key_path(data_dir: Path) -> Path:
    """Where a server with this data dir keeps its key (`xapp serve` says so when ready)."""
    return data_dir / KEY_FILE


def _load_or_create(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # Whole or not at all: written and synced under a temporary name, then linked
        # into place (which fails if another process got there first: theirs is kept).
        # A crash or a second process starting at once never leaves a half-written key.
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".receipt-key-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(pem)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o600)
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError as exc:
        raise RuntimeError(f"{path} is not a receipt-signing key ({exc}); restore it") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise RuntimeError(f"{path} does not hold an Ed25519 key")
    return key


class ReceiptSigner:
    def __init__(self, data_dir: Path) -> None:
        self._key = _load_or_create(key_path(data_dir))
        raw = self._key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public_key = base64.b64encode(raw).decode()

    def secret(self, purpose: bytes) -> bytes:
        """A 16-byte key for `purpose`, derived from the signing key (HKDF): every process
        sharing the data dir derives the same one, and it says nothing of the key."""
        raw = self._key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return HKDF(algorithm=hashes.SHA256(), length=16, salt=None, info=purpose).derive(raw)

    def sign(self, transfer: Transfer, issuer: str) -> Receipt:
        payload: dict[str, str | int] = {
            "transfer_id": transfer.id,
            "kind": transfer.kind,
            "status": transfer.status,
            "from": f"@{transfer.sender.handle}" if transfer.sender else "bank",
            "from_name": transfer.sender.display_name if transfer.sender else "bank deposit",
            "to": f"@{transfer.recipient.handle}",
            "to_name": transfer.recipient.display_name,
            "amount_minor": transfer.amount.amount,
            "currency": transfer.amount.currency,
            "note": transfer.note,
            "created_at": transfer.created_at.isoformat(),
            "issuer": issuer,
        }
        if transfer.refund_of:
            payload["refund_of"] = transfer.refund_of
        signature = self._key.sign(canonical(payload))
        return Receipt(
            payload=payload,
            public_key=self.public_key,
            signature=base64.b64encode(signature).decode(),
        )
