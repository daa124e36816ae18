"""The README's test command is the one CI runs: the two must not drift apart."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def shell_blocks(text: str) -> list[str]:
    blocks, inside, current = [], False, []
    for line in text.splitlines():
        if line.startswith("```"):
            if inside:
                blocks.append("\n".join(current).strip())
            inside, current = not inside and line.strip() == "```sh", []
        elif inside:
            current.append(line)
    return blocks


def test_ci_runs_the_readmes_test_command() -> None:
    blocks = shell_blocks((ROOT / "README.md").read_text())
    run_app, run_tests = blocks[0], blocks[1]
    assert run_app.endswith(".venv/bin/xapp")
    assert run_tests.endswith(".venv/bin/pytest")
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1] == run_tests
