"""One idempotency key per payment content, in the TUI: a payment whose answer was lost
after the server moved the money is sent again from the same dialog and pays once; the
same dialog with a changed amount is a new payment (a new key).

The App talks to the real server through a loopback proxy that can lose answers: the
request reaches the server, which commits, and the reply never comes back (the network
failing at the worst moment). That is the only fault; everything else is real."""

from __future__ import annotations

import asyncio
import contextlib

from tests.conftest import People, query
from tests.test_tui_home import home_of, shown, signed_in_app, wait_for
from tests.test_tui_payments import PIN, alice_and_bob, confirm_screen
from xapp.screens.pay import PayScreen

SEND = b"POST /v1/transfers "
"""The request line of a payment (not a preview, a cancel or anything else)."""


class LossyProxy:
    """Passes bytes between the App and the server; while `losing` is set, a connection
    that sends a payment gets no answer: the request goes through, and the moment the
    server answers, the answer is dropped and the connection closed."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.losing = False
        self.lost = 0
        """How many answers to a payment were dropped."""
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task] = set()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def __aenter__(self) -> LossyProxy:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _connection(
        self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter
    ) -> None:
        self._tasks.add(task := asyncio.current_task())  # type: ignore[arg-type]
        server_in, server_out = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        doomed = False  # a payment went up while losing: its answer must not come back

        async def up() -> None:
            nonlocal doomed
            while data := await client_in.read(65536):
                if self.losing and SEND in data:
                    doomed = True
                server_out.write(data)
                await server_out.drain()

        async def down() -> None:
            while data := await server_in.read(65536):
                if doomed:
                    self.lost += 1
                    return
                client_out.write(data)
                await client_out.drain()

        try:
            pipes = [asyncio.create_task(up()), asyncio.create_task(down())]
            await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
            for pipe in pipes:
                pipe.cancel()
        finally:
            for writer in (client_out, server_out):
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()
            self._tasks.discard(task)


def payments(db_path) -> list[int]:
    """Every payment the database holds, oldest first, in cents."""
    return [a for (a,) in query(db_path, "SELECT amount FROM transfers WHERE kind = 'payment'")]


async def test_a_lost_answer_pays_once_and_a_changed_amount_pays_again(
    people: People, server, db_path, tmp_path
) -> None:
    alice, _ = await alice_and_bob(people, 5_000)
    async with LossyProxy(server.port) as proxy:
        app = signed_in_app(proxy.url, "alice", alice.token or "", tmp_path)
        async with app.run_test(size=(160, 48)) as pilot:
            home = await home_of(pilot)

            async def lose_the_answer_to(confirm) -> None:
                """Send with the right PIN; the server pays, and the answer is lost."""
                proxy.losing, lost = True, proxy.lost
                await pilot.press(*PIN, "enter")
                error = confirm.query_one("#error")
                await wait_for(pilot, lambda: "isn't known whether" in shown(error), timeout=30)
                assert proxy.lost > lost and app.screen is confirm
                proxy.losing = False

            async def back_to_the_form_and_send_again() -> None:
                await pilot.press("escape")
                await wait_for(pilot, lambda: isinstance(app.screen, PayScreen))
                await pilot.press("enter")  # Review, with what the form still holds
                await confirm_screen(pilot)
                await pilot.press(*PIN, "enter")
                await wait_for(pilot, lambda: app.screen is home, timeout=30)

            # Once: a wrong PIN (nothing moves), then a lost answer, then the same
            # payment again from the form.
            await pilot.press("p")
            await wait_for(pilot, lambda: isinstance(app.screen, PayScreen))
            await pilot.press(*"@bob", "tab", *"12.50", "tab", *"pizza", "enter")
            confirm = await confirm_screen(pilot)
            await pilot.press(*"9999", "enter")
            await wait_for(pilot, lambda: "tries left" in shown(confirm.query_one("#error")))
            assert payments(db_path) == []
            await lose_the_answer_to(confirm)
            assert payments(db_path) == [1250]  # it went through; the App can't know
            await back_to_the_form_and_send_again()
            assert payments(db_path) == [1250]  # the same key: the first one's answer

            # Changed: a lost answer again, then the amount changed in the same form.
            await pilot.press("p")
            await wait_for(pilot, lambda: isinstance(app.screen, PayScreen))
            await pilot.press(*"@bob", "tab", *"12.50", "tab", *"pizza", "enter")
            await lose_the_answer_to(await confirm_screen(pilot))
            assert payments(db_path) == [1250, 1250]
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, PayScreen))
            await pilot.press("shift+tab", "end", *["backspace"] * 5, *"13", "enter")
            await confirm_screen(pilot)
            await pilot.press(*PIN, "enter")
            await wait_for(pilot, lambda: app.screen is home, timeout=30)
    assert payments(db_path) == [1250, 1250, 1300]  # a new amount: a new key
