"""`xapp web`: the same app in a browser. Headless Chromium (Debian's chromium) opens the
page, starts the app, signs in, writes a post, pays someone, and the page shows both;
the server holds them. A screenshot of the browser is kept in `.artifacts/`.

Chromium is installed by the test when missing and allowed (root with apt-get, as on CI);
where it cannot be, the test is skipped and says how to install it."""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path

import pytest

from tests.browser import Browser, free_port, install_chromium
from tests.conftest import PASSWORD, People, balance_of, query, usd, xapp_command

BACKENDS = ("sqlite",)  # the browser drives the app; the server's store is tested elsewhere
ARTIFACTS = Path(__file__).parent.parent / ".artifacts"
PIN = "2468"


@pytest.fixture
def xapp_web(server, tmp_path):
    port = free_port()
    process = subprocess.Popen(
        xapp_command(
            "--server", server.url, "--data-dir", str(tmp_path), "web", "--port", str(port)
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "XAPP_CONFIG": os.devnull},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith(f"xapp web on http://127.0.0.1:{port}"), line + process.stderr.read()
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=30)


async def test_sign_in_post_and_pay_in_a_browser(people: People, xapp_web: str, db_path) -> None:
    executable = await asyncio.to_thread(install_chromium)
    if executable is None:
        pytest.skip(
            "Debian's chromium is not installed and could not be (apt-get install chromium)"
        )
    ada = await people.signed_in("ada", "Ada Lovelace")
    await people.signed_in("bob", "Bob Builder")
    await ada.wallet.deposit(usd(5_000))

    async with Browser(executable) as browser:
        await browser.open(xapp_web)
        await asyncio.sleep(2)  # the page and its script
        await browser.click(700, 450)  # textual-serve's start panel: the app starts
        await browser.wait_for_text("Sign in")
        await browser.type("ada")
        await browser.press("tab")
        await browser.type(PASSWORD)
        await browser.press("enter")
        await browser.wait_for_text("This run only")  # no keyring in a browser tab's xapp
        await browser.press("enter")
        await browser.wait_for_text("$50.00")

        await browser.type("n")
        await browser.wait_for_text("ctrl+s posts")
        await browser.type("hello from a browser tab")
        await browser.press("ctrl+s")
        await browser.wait_for_text("Ada Lovelace @ada")

        await browser.type("p")
        await browser.wait_for_text("Send money")
        await browser.type("@bob")
        await browser.press("tab")
        await browser.type("5")
        await browser.press("enter")
        await browser.wait_for_text("Set a payments PIN")  # a first payment asks for one
        for text in (PASSWORD, PIN):
            await browser.type(text)
            await browser.press("tab")
        await browser.type(PIN)  # the PIN again
        await browser.press("enter")
        await browser.wait_for_text("to Bob Builder @bob")
        await browser.type(PIN)
        await browser.press("enter")
        await browser.wait_for_text("-$5.00 to Bob Builder @bob")
        await browser.screenshot(ARTIFACTS / "xapp-web.png")

    assert query(db_path, "SELECT text FROM posts") == [("hello from a browser tab",)]
    assert balance_of(db_path, "bob") == 500
    assert (ARTIFACTS / "xapp-web.png").stat().st_size > 10_000
