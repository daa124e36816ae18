"""`xapp --server URL` where nothing answers: the start screen says so at once (it used
to show the sign-in form as if all were well), and r tries again once it is up."""

from __future__ import annotations

import socket

from tests.test_tui_home import shown, wait_for
from xapp.app import XApp
from xapp.credentials import Credentials
from xapp.embedded import ServerThread
from xapp.screens.login import LoginScreen
from xapp.screens.start import StartScreen
from xapp.server import ServerSettings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_nobody_answering_is_said_and_r_tries_again(db_path, tmp_path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = XApp(server=url, credentials=Credentials(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, StartScreen))
        start = app.screen
        problem = start.query_one("#problem")
        await wait_for(pilot, lambda: "Can't reach the server" in shown(problem), timeout=15)
        assert "r to try again" in shown(problem)
        assert not isinstance(app.screen, LoginScreen)
        with ServerThread(ServerSettings(db=str(db_path)), port=port):
            await pilot.press("r")
            await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), timeout=15)
