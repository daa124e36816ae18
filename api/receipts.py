"""Signed receipts: what a completed transfer was, provable without the server.

The server signs `canonical(payload)` with its Ed25519 key. Anyone holding the receipt
file can check it offline (`xapp receipt verify FILE`); pinning the server's public key
(`--key`, as served at `/v1/receipts/key`) proves which server signed it, and any change
to a single field breaks the signature.
"""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from xapp.api.models import Receipt


def canonical(payload: dict[str, str | int]) -> bytes:
    """One byte string per payload: sorted keys, no spaces, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def fingerprint(public_key_b64: str) -> str:
    """A short name for a key, for people to compare: the first 16 hex of its SHA-256."""
    digest = hashlib.sha256(base64.b64decode(public_key_b64)).hexdigest()[:16]
    return ":".join(digest[i : i + 4] for i in range(0, 16, 4))


class ReceiptInvalid(ValueError):
    """The receipt does not prove what it says; the message says why."""


def verify(receipt: Receipt, trusted_key_b64: str | None = None) -> None:
    """Raise ReceiptInvalid unless the signature holds (and, if given, the key matches)."""
    if trusted_key_b64 is not None and trusted_key_b64.strip() != receipt.public_key:
        raise ReceiptInvalid(
            f"signed by key {fingerprint(receipt.public_key)}, "
            f"not the trusted key {fingerprint(trusted_key_b64.strip())}"
        )
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(receipt.public_key))
        key.verify(base64.b64decode(receipt.signature), canonical(receipt.payload))
    except (InvalidSignature, ValueError) as exc:
        raise ReceiptInvalid("the signature does not match the receipt's contents") from exc
