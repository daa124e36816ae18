"""Hooks for the schemathesis run in test_api_schema_fuzzing.py (loaded by the
schemathesis command through SCHEMATHESIS_HOOKS; not a test module)."""

from __future__ import annotations

import os
import uuid
from typing import Any

import schemathesis
from schemathesis import GenerationMode

PIN = os.environ.get("XAPP_FUZZ_PIN", "")
"""The signed-in person's payments PIN, which a schema-valid request carries."""

STATED = (
    "a handle is 3 to 15 characters",
    "is not a supported currency",
    "the amount must be more than zero",
    "the amount is too large",
    "A page cursor is 22",
    "a day is written",
)
"""Refusals of what the document states (handle pattern, currency list, amount bounds,
cursor format, date format): a schema-valid request must never meet one."""


def _positive(case: schemathesis.Case) -> bool:
    return case.meta is None or case.meta.generation.mode is GenerationMode.POSITIVE


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: schemathesis.Case, kwargs: Any) -> None:
    """A schema-valid request is sent as a client sends one: a fresh Idempotency-Key
    (generated keys repeat, and a key reused with another body is rightly refused) and
    the right PIN (random ones lock payments after five, and every later payment would
    meet the lock instead of the rules it is there to try)."""
    if not (case.headers and _positive(case)):
        return
    if "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
    if "Payment-PIN" in case.headers:
        case.headers["Payment-PIN"] = PIN


@schemathesis.check
def refused_only_by_rules_the_schema_states(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    """A schema-valid request is never refused for breaking a rule the document states.
    (Rules JSON Schema cannot state, such as a text that is blank once invisible
    characters are cleaned away, or a reaction that must be one emoji, are the
    validators' own and answer with sentences.)"""
    if _positive(case) and response.status_code == 422:
        error = (response.json() or {}).get("error", {})
        message = str(error.get("message", ""))
        if error.get("code") in ("invalid_request", "invalid_cursor") and any(
            rule in message for rule in STATED
        ):
            raise AssertionError(f"A request the schema allows was refused: {message}")
    return None
