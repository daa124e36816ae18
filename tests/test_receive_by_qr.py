"""Receive by QR (issue 15): the wallet shows a QR code of a payment link to me, with an
amount and a note if I give them; opening such a link (`xapp --open`, or pasting it
where the pay dialog asks who) starts the pay flow filled in, through the same
confirmation as any payment. Links come from strangers, so reading one is strict."""

from __future__ import annotations

import subprocess

import pytest
import segno
from textual.widgets import Input, Select, Static

from tests.conftest import People, xapp_command
from tests.test_tui_home import home_of, shown, signed_in_app, wait_for
from tests.test_tui_payments import PIN, alice_and_bob, confirm_screen, pay_form
from xapp.api.links import LinkError, PaymentLink, parse_link
from xapp.api.models import Money
from xapp.app import XApp
from xapp.credentials import Credentials
from xapp.screens.receive import ReceiveScreen
from xapp.widgets.qr import DARK, LIGHT, QUIET_ZONE, QrCode


@pytest.mark.parametrize(
    "link",
    [
        PaymentLink("ada"),
        PaymentLink("ada", Money(amount=1250, currency="USD"), "pizza night & co"),
        PaymentLink("bob_99", Money(amount=500, currency="JPY")),
        PaymentLink("kuwait", Money(amount=1, currency="KWD"), "100% #rent? =yes"),
        PaymentLink("grace", None, "ünïcødé 🍕 / ? & = +"),
    ],
)
def test_a_link_reads_back_as_it_was_written(link: PaymentLink) -> None:
    assert parse_link(str(link)) == link


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("https://pay/ada", "A payment link starts with xapp://pay/"),
        ("xapp://send/ada", "A payment link starts with xapp://pay/"),
        ("xapp://pay/", "The link's handle:"),
        ("xapp://pay/ada?amount=1.234", "USD amounts have at most 2 decimal places"),
        ("xapp://pay/ada?amount=-5", "The amount must be more than zero"),
        ("xapp://pay/ada?amount=5&currency=XXX", "XXX is not a supported currency"),
        ("xapp://pay/ada?currency=EUR", "names a currency only with an amount"),
        ("xapp://pay/ada?amount=5&amount=6", "gives each field once"),
        ("xapp://pay/ada?to=mallory", "has no to field"),
        ("xapp://pay/ada?note=" + "x" * 141, "longer than 140 characters"),
        ("xapp://pay/ada#frag", "has no # part"),
        ("xapp://pay/ada?" + "a" * 700, "too long"),
    ],
)
def test_a_bad_link_is_refused_with_a_sentence(text: str, why: str) -> None:
    with pytest.raises(LinkError, match=why.replace("?", r"\?")):
        parse_link(text)


def test_a_link_s_note_is_cleaned_like_any_text() -> None:
    link = parse_link("xapp://pay/ada?note=hi%E2%80%AEtxt.exe%07")  # bidi override, BEL
    assert link.note == "hitxt.exe"


def modules(code: QrCode) -> list[list[int]]:
    """The dark (1) and light (0) modules the widget draws, read back from its cells:
    each cell's upper half is its colour, its lower half its background."""
    top: list[list[int]] = []
    bottom: list[list[int]] = []
    for line in code.drawn.split():
        cells = [span.style for span in line.spans]
        top.append([int(str(s.color.triplet.hex) == DARK) for s in cells])  # type: ignore[union-attr]
        bottom.append([int(str(s.bgcolor.triplet.hex) == DARK) for s in cells])  # type: ignore[union-attr]
    return [row for pair in zip(top, bottom, strict=True) for row in pair]


async def test_the_wallet_shows_a_code_of_a_link_to_me(people: People, tmp_path) -> None:
    alice = await people.signed_in("alice")
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await home_of(pilot)
        await pilot.press("3", "v")
        await wait_for(pilot, lambda: isinstance(app.screen, ReceiveScreen))
        screen = app.screen
        assert shown(screen.query_one("#link", Static)) == "xapp://pay/alice"
        await pilot.press(*"12.50", "tab", *"pizza")
        wanted = "xapp://pay/alice?amount=12.50&currency=USD&note=pizza"
        await wait_for(pilot, lambda: shown(screen.query_one("#link", Static)) == wanted)
        code = screen.query_one(QrCode)
        expected = [
            list(row)
            for row in segno.make(wanted, error="l").matrix_iter(scale=1, border=QUIET_ZONE)
        ]
        drawn = modules(code)
        assert drawn[: len(expected)] == expected  # the code is exactly the link's
        assert not any(drawn[len(expected) :] and drawn[-1])  # at most one light pad row
        # A wrong amount is said; the code keeps the last good link meanwhile.
        amount = screen.query_one("#amount", Input)
        amount.value = "12.505"
        await wait_for(
            pilot, lambda: "at most 2 decimal places" in shown(screen.query_one("#error"))
        )
        assert code.data == wanted
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ReceiveScreen))
    assert DARK != LIGHT


async def test_opening_a_link_starts_the_pay_flow_filled_in(people: People, tmp_path) -> None:
    alice, _ = await alice_and_bob(people, 5_000)
    credentials = Credentials(tmp_path, keyring_vault=None)
    credentials.save(people.url, "alice", alice.token or "", "file")
    link = parse_link("xapp://pay/bob?amount=12.50&currency=USD&note=pizza%20night")
    app = XApp(server=people.url, credentials=credentials, open_link=link)
    async with app.run_test(size=(160, 48)) as pilot:
        pay = await pay_form(pilot)  # over the home
        home = app.home
        assert [pay.query_one(f"#{f}", Input).value for f in ("to", "amount", "note")] == [
            "@bob",
            "12.50",
            "pizza night",
        ]
        await pilot.press("enter")  # the same confirmation as any payment: who, how much
        confirm = await confirm_screen(pilot)
        assert "Bob Builder" in shown(confirm.query_one("#recipient"))
        await pilot.press(*PIN, "enter")
        await wait_for(pilot, lambda: app.screen is home)
    history = (await alice.wallet.history()).items
    assert [(t.recipient.handle, t.amount.amount, t.note) for t in history[:1]] == [
        ("bob", 1250, "pizza night")
    ]


async def test_a_link_pasted_as_who_to_pay_fills_the_form(people: People, tmp_path) -> None:
    alice, _ = await alice_and_bob(people, 5_000)
    app = signed_in_app(people.url, "alice", alice.token or "", tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await home_of(pilot)
        await pilot.press("p")
        pay = await pay_form(pilot)
        to = pay.query_one("#to", Input)
        to.value = "xapp://pay/bob?amount=3&note=coffee"  # as a paste lands
        await wait_for(pilot, lambda: to.value == "@bob")
        assert pay.query_one("#amount", Input).value == "3.00"
        assert pay.query_one("#note", Input).value == "coffee"
        assert pay.query_one("#currency", Select).value == "USD"
        to.value = "xapp://pay/bob?amount=500&currency=JPY"  # in its currency
        await wait_for(pilot, lambda: pay.query_one("#currency", Select).value == "JPY")
        assert pay.query_one("#amount", Input).value == "500"
        # A link that isn't one is said, and the pasted text stays to be fixed.
        to.value = "xapp://pay/bob?amount=1.234"
        await wait_for(pilot, lambda: "at most 2 decimal places" in shown(pay.query_one("#error")))
        assert to.value == "xapp://pay/bob?amount=1.234"
        assert pay.query_one("#amount", Input).value == "500"


def test_xapp_open_refuses_a_bad_link_before_starting(tmp_path) -> None:
    result = subprocess.run(
        xapp_command("--data-dir", str(tmp_path), "--open", "xapp://pay/ada?amount=abc"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "xapp: --open: The link's amount: 'abc' is not an amount"
