"""The API holds to its own schema under schemathesis (issue 18's suite): every
operation, from examples, boundary values, random schema-valid and schema-invalid
requests and stateful sequences (its links), with a signed-in person who has money, a
friend, a conversation and a post. Zero 500s; every answer's status is one the document
lists for that operation, with a body and headers as it describes; schema-invalid
requests are refused; and a request the schema allows is never refused by a validator
it does not state (the hooks module). A longer run: XAPP_FUZZ_EXAMPLES=200 and another
XAPP_FUZZ_SEED (bench/README.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PASSWORD, People, usd
from xapp.embedded import ServerThread

ROOT = Path(__file__).parent.parent
PIN = "4821"

SPARED = [
    # They end the session the run signs in with (each has its own tests: test_sessions).
    "sign_out_v1_sessions_current_delete",
    "revoke_session_v1_sessions__session_id__delete",
    "change_password_v1_me_password_put",
]
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "refused_only_by_rules_the_schema_states",
]


async def test_the_api_holds_to_its_schema(
    server: ServerThread, people: People, tmp_path: Path
) -> None:
    ada = await people.signed_in("ada")
    await people.signed_in("bob")
    await ada.wallet.deposit(usd(1_000_000))
    await ada.wallet.set_pin(PASSWORD, PIN)
    await ada.chat.send((await ada.chat.open("bob")).id, "hello")
    await ada.posts.create("a #first post")
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{server.url}/openapi.json",
        "--checks",
        ",".join(CHECKS),
        "--header",
        f"Authorization: Bearer {ada.token}",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        os.environ.get("XAPP_FUZZ_EXAMPLES", "10"),
        "--seed",
        os.environ.get("XAPP_FUZZ_SEED", "18"),
        "--workers",
        "1",  # two threads once crashed schemathesis itself (CPython's AST recursion check)
        "--generation-database",
        "none",
        "--continue-on-failure",
        "--no-color",
        "--output-truncate",
        "false",
        *(arg for name in SPARED for arg in ("--exclude-operation-id", name)),
    ]
    run = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.schemathesis_hooks", "XAPP_FUZZ_PIN": PIN},
        capture_output=True,
        text=True,
        timeout=900,
    )
    (tmp_path / "schemathesis.txt").write_text(run.stdout + run.stderr)
    assert run.returncode == 0, run.stdout[-30_000:] + run.stderr[-5_000:]
