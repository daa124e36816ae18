"""Alerts outside the app: per kind (a message in a chat not on screen, money received, a
request), the bell, a desktop notification through notify-send where a desktop is there,
or the terminal's own notification escape (OSC 9 or 777, wrapped inside tmux); someone
else's text never carries a control character into a sequence or a command line."""

from __future__ import annotations

import os
import stat

from tests.conftest import People, usd
from tests.test_tui_home import home_of, notes, signed_in_app, wait_for
from xapp.alerts import Alerts, clean, terminal_sequence


def test_someone_elses_text_cannot_escape_the_sequence() -> None:
    hostile = "hi\x1b]0;owned\x07\x1b[2J; rm -rf ~\nsecond line\u2028" + "x" * 300
    cleaned = clean(hostile)
    assert "\x1b" not in cleaned and "\x07" not in cleaned and ";" not in cleaned
    assert cleaned.startswith("hi]0,owned[2J, rm -rf ~ second line") and len(cleaned) == 200
    sequence = terminal_sequence("New message", hostile, {})
    assert sequence.startswith("\x1b]777;notify;New message;hi]0,owned")
    assert sequence.count("\x1b") == 1 and sequence.endswith("\x07")


def test_the_sequence_fits_the_terminal() -> None:
    assert terminal_sequence("T", "b", {"TERM_PROGRAM": "iTerm.app"}) == "\x1b]9;T: b\x07"
    assert terminal_sequence("T", "b", {"TERM": "xterm-kitty"}) == "\x1b]9;T: b\x07"
    wrapped = terminal_sequence("T", "b", {"TMUX": "/tmp/tmux-0/default,1,0"})
    assert wrapped == "\x1bPtmux;\x1b\x1b]777;notify;T;b\x07\x1b\\"


def test_each_kind_is_told_as_chosen() -> None:
    written: list[str] = []
    alerts = Alerts({"message": "bell", "payment": "both", "request": "off"}, environ={})
    alerts("message", "New message", "Ada: hi", written.append)
    alerts("request", "Money requested", "@ada asks", written.append)
    alerts("payment", "Money in", "@ada paid you $5.00", written.append)
    assert written == ["\x07", "\x07", "\x1b]777;notify;Money in;@ada paid you $5.00\x07"]


async def test_a_message_payment_and_request_reach_the_desktop(people: People, tmp_path) -> None:
    """notify-send (a stand-in program on PATH, run as the real one would be) is given
    each alert while the app shows something else."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    sent = tmp_path / "sent.txt"
    tool = bin_dir / "notify-send"
    tool.write_text(f'#!/bin/sh\nprintf "%s|" "$@" >> {sent}\necho >> {sent}\n')
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    environ = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "DISPLAY": ":0"}

    ada = await people.signed_in("ada")
    bob = await people.signed_in("bob", "Bob Builder")
    cat = await people.signed_in("cat")
    await bob.wallet.deposit(usd(5_000))
    # Ada's chat with cat is the one on screen, so bob's message arrives elsewhere (with
    # no chat yet, the app would open bob's as soon as it loads the list).
    await cat.chat.send((await cat.chat.open("ada")).id, "hello")
    app = signed_in_app(people.url, "ada", ada.token or "", tmp_path)
    app.alerts = Alerts({k: "desktop" for k in ("message", "payment", "request")}, environ)
    async with app.run_test(size=(160, 48)) as pilot:
        home = await home_of(pilot)
        await wait_for(pilot, lambda: home.chat.open_id is not None)
        conversation = await bob.chat.open("ada")
        await bob.chat.send(conversation.id, "lunch?")
        await bob.wallet.pay("ada", usd(1_250), "pizza")
        await bob.bills.request(["ada"], usd(800), "coffee")
        await wait_for(pilot, lambda: "asks you for $8.00" in notes(app))

        def lines() -> list[str]:
            return sent.read_text().splitlines() if sent.exists() else []

        await wait_for(pilot, lambda: len(lines()) == 3)
    assert sorted(lines()) == sorted(
        [
            "--app-name=xapp|New message|Bob Builder: lunch?|",
            "--app-name=xapp|Money in|@bob paid you $12.50 · pizza|",
            "--app-name=xapp|Money requested|@bob asks you for $8.00 · coffee|",
        ]
    )
