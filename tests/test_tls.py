"""TLS: `xapp serve --tls-cert --tls-key` serves HTTPS and WSS; the client verifies the
certificate (a server it cannot verify is refused, with no way around it but trusting
the certificate, e.g. SSL_CERT_FILE for a private CA), and the live feed runs over WSS.
Also the small ones: the interactive API docs are off unless asked for, and the access
log keeps paths without their query strings."""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import time

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import PASSWORD, serve, server_settings, take
from xapp.api.client import ApiClient
from xapp.api.errors import ServerUnavailable
from xapp.api.feed import Feed
from xapp.embedded import ServerThread

BACKENDS = ("sqlite",)  # transport and logging: the store behind them does not matter


def self_signed(folder) -> tuple[str, str]:
    """A certificate for 127.0.0.1 and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "xapp test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path)


async def test_https_and_wss_with_a_verified_certificate(
    db_path, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = self_signed(tmp_path)
    settings = server_settings(db_path, tls_cert=cert, tls_key=key)
    with ServerThread(settings) as running:
        assert running.url.startswith("https://127.0.0.1:")
        async with ApiClient(running.url) as stranger:
            with pytest.raises(ServerUnavailable):  # not a certificate it can verify
                await stranger.health()
        monkeypatch.setenv("SSL_CERT_FILE", cert)  # trust it: a private CA's certificate
        async with ApiClient(running.url) as ada:
            await ada.accounts.register("ada", "Ada", PASSWORD)
            await ada.accounts.login("ada", PASSWORD)
            me = await ada.accounts.me()
            feed = Feed(running.url, ada.token or "", me.event_seq)
            posted = await ada.posts.create("over TLS")
            (event,) = await take(feed, 1, timeout=20)
            await feed.close()
        assert event.data.id == posted.id  # type: ignore[union-attr]


def test_tls_needs_both_halves(db_path) -> None:
    with pytest.raises(ValueError, match="both a certificate"):
        server_settings(db_path, tls_cert="cert.pem")


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_docs_are_off_unless_asked_and_the_log_has_no_queries(db_path) -> None:
    plain = serve(db_path, access_log=True)
    running = next(plain)
    # On the access logger itself: uvicorn stops it propagating in a process where an
    # earlier server ran without an access log.
    kept, access = Kept(), logging.getLogger("uvicorn.access")
    access.addHandler(kept)
    access.setLevel(logging.INFO)
    try:
        assert httpx.get(f"{running.url}/docs").status_code == 404
        assert httpx.get(f"{running.url}/redoc").status_code == 404
        assert httpx.get(f"{running.url}/openapi.json").status_code == 200
        httpx.get(f"{running.url}/v1/search/posts", params={"q": "my secret words"})
        logged = ""
        for _ in range(50):  # the access line is written just after the answer
            logged = "\n".join(kept.lines)
            if "/v1/search/posts" in logged:
                break
            time.sleep(0.05)
        assert "/v1/search/posts" in logged and "secret" not in logged
    finally:
        access.removeHandler(kept)
        plain.close()  # stops the server
    documented = serve(db_path, docs=True)
    running = next(documented)
    try:
        assert httpx.get(f"{running.url}/docs").status_code == 200
    finally:
        documented.close()
