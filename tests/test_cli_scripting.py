"""The scriptable CLI against a real server, as a script runs it (a separate process, no
terminal): sign in, post and read the timeline, message, ask for and pay money with the
PIN from the environment or a file descriptor, a retried key paying once, JSON output
with the wire models' names, text from stdin, exit codes 0 / 1 / 2, and completion
scripts for bash, zsh and fish."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.conftest import PASSWORD, People, balance_of, usd, xapp_command

PIN = "2468"


class Xapp:
    """`xapp --server URL --data-dir DIR …` as a process: stdin a pipe, never a terminal."""

    def __init__(self, url: str, data_dir: str) -> None:
        self.url, self.data_dir = url, data_dir

    def __call__(
        self, *args: str, stdin: str = "", env: dict[str, str] | None = None, **popen: object
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            xapp_command("--server", self.url, "--data-dir", self.data_dir, *args),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "XAPP_CONFIG": os.devnull, **(env or {})},
            **popen,  # type: ignore[arg-type]
        )


@pytest.fixture
async def cli(people: People, tmp_path) -> Xapp:
    ada = await people.signed_in("ada", "Ada Lovelace")
    await people.signed_in("bob", "Bob Builder")
    await ada.wallet.deposit(usd(10_000))
    await ada.wallet.set_pin(PASSWORD, PIN)
    run = Xapp(people.url, str(tmp_path))
    signed = run("login", "ada", "--password-stdin", "--store", "file", stdin=PASSWORD + "\n")
    assert signed.returncode == 0, signed.stderr
    assert signed.stdout.strip() == f"signed in to {people.url} as @ada"
    return run


async def test_post_read_and_message(cli: Xapp, people: People, db_path) -> None:
    assert cli("whoami").stdout.strip() == f"@ada (Ada Lovelace) on {cli.url}"
    me = json.loads(cli("whoami", "--json").stdout)
    assert (me["handle"], me["display_name"]) == ("ada", "Ada Lovelace")

    posted = cli("post", "--json", "-", stdin="from a pipe\nsecond line\n")
    assert posted.returncode == 0, posted.stderr
    post = json.loads(posted.stdout)
    assert post["text"] == "from a pipe\nsecond line"
    answer = cli("reply", post["id"], "a reply")
    assert answer.stdout.startswith("replied ")
    lines = cli("timeline", "--json", "--limit", "5").stdout.splitlines()
    texts = [json.loads(line)["text"] for line in lines]  # JSON lines, newest first
    assert texts[:2] == ["a reply", "from a pipe\nsecond line"]
    assert "from a pipe" in cli("timeline").stdout

    sent = cli("send", "@bob", "hello from a script")
    assert (sent.returncode, sent.stdout.strip()) == (0, "sent to @bob")
    bob = await people.login("bob")
    (conversation,) = (await bob.chat.conversations()).items
    assert conversation.last_message is not None
    assert conversation.last_message.text == "hello from a script"


async def test_paying_from_a_script_is_safe(cli: Xapp, db_path) -> None:
    # No terminal and no --yes: the preview is shown and nothing is paid.
    asked = cli("pay", "@bob", "12.50", "--note", "pizza", env={"XAPP_PIN": PIN})
    assert asked.returncode == 1
    assert "Pay @bob (Bob Builder) $12.50 from @ada · pizza" in asked.stderr
    assert "You have never paid @bob before." in asked.stderr
    assert "xapp: not paid: add --yes to pay without being asked" in asked.stderr
    # No PIN anywhere: refused, with where to put it.
    no_pin = cli("pay", "bob", "12.50", "--yes")
    assert no_pin.returncode == 1 and "set XAPP_PIN or pass --pin-fd N" in no_pin.stderr
    wrong = cli("pay", "bob", "12.50", "--yes", env={"XAPP_PIN": "0000"})
    assert wrong.returncode == 1 and "Wrong PIN" in wrong.stderr
    assert balance_of(db_path, "bob") == 0

    def pay_rent() -> subprocess.CompletedProcess[str]:
        return cli(
            "pay",
            "bob",
            "12.50",
            "--yes",
            "--json",
            "--idempotency-key",
            "rent-1",
            env={"XAPP_PIN": PIN},
        )

    paid = pay_rent()
    assert paid.returncode == 0, paid.stderr
    transfer = json.loads(paid.stdout)
    assert (transfer["amount"], transfer["recipient"]["handle"]) == (
        {"amount": 1250, "currency": "USD"},
        "bob",
    )
    # The script retries with the same key (say its first answer was lost): paid once.
    again = pay_rent()
    assert json.loads(again.stdout)["id"] == transfer["id"]
    assert balance_of(db_path, "bob") == 1_250

    # The PIN through a file descriptor: never in an argument or the environment.
    read, write = os.pipe()
    os.write(write, f"{PIN}\n".encode())
    os.close(write)
    try:
        by_fd = cli("pay", "bob", "1", "--yes", "--pin-fd", str(read), pass_fds=(read,))
    finally:
        os.close(read)
    assert by_fd.returncode == 0, by_fd.stderr
    assert by_fd.stdout.startswith("paid $1.00 to @bob · completed · ")
    assert balance_of(db_path, "bob") == 1_350

    asked_for = cli("request", "bob", "5", "--note", "coffee", "--json")
    assert json.loads(asked_for.stdout)["requests"][0]["amount"]["amount"] == 500
    assert "$86.50  cash" in cli("balance").stdout
    history = [
        json.loads(line) for line in cli("history", "--json", "--with", "bob").stdout.splitlines()
    ]
    assert [t["amount"]["amount"] for t in history] == [100, 1250]
    assert "payment" in cli("history", "--direction", "out").stdout


async def test_exit_codes_say_what_happened(cli: Xapp, tmp_path) -> None:
    usage = cli("pay", "bob", "lots", "--yes")
    assert usage.returncode == 2 and "'lots' is not an amount" in usage.stderr
    assert cli("timeline", "--limit", "0").returncode == 2
    nobody = cli("send", "@nobody_here", "hi")
    assert (nobody.returncode, nobody.stderr.strip()) == (1, "xapp: @nobody_here was not found")
    stranger = Xapp("http://127.0.0.1:9", str(tmp_path / "elsewhere"))("balance")
    assert stranger.returncode == 1
    assert "not signed in to http://127.0.0.1:9: xapp login HANDLE --server URL" in (
        stranger.stderr
    )
    assert "Exit codes: 0 done" in cli("--help").stdout
    out = cli("logout")
    assert (out.returncode, out.stdout.strip()) == (0, f"signed out of {cli.url}")
    assert cli("whoami").returncode == 1


@pytest.mark.parametrize(
    ("shell", "mark"), [("bash", "complete -o"), ("zsh", "compdef"), ("fish", "complete")]
)
def test_completion_scripts(shell: str, mark: str) -> None:
    done = subprocess.run(
        xapp_command("completion", shell), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and mark in done.stdout and "_XAPP_COMPLETE" in done.stdout
    # And completing works: the commands after `xapp p`.
    offered = subprocess.run(
        xapp_command(),
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **os.environ,
            "_XAPP_COMPLETE": "bash_complete",
            "COMP_WORDS": "xapp p",
            "COMP_CWORD": "1",
        },
    )
    assert {"plain,pay", "plain,post"} <= set(offered.stdout.split())
