"""`@worker`: how xapp runs network calls off the event loop (DESIGN.md principle 7).

It is Textual's `@work` (never stopping the app on an error), plus one promise: every
worker catches the errors it expects and says them in its own words; anything else is
a bug, and instead of vanishing inside the worker it goes to the App as `WorkerFailed`,
whose one handler logs the traceback and tells the person.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from textual import work
from textual.dom import DOMNode
from textual.message import Message

P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger("xapp.workers")


class WorkerFailed(Message):
    """A worker raised something it did not expect."""

    def __init__(self, where: str, error: Exception) -> None:
        super().__init__()
        self.where = where
        self.error = error


def worker(
    *, group: str = "default", exclusive: bool = False
) -> Callable[[Callable[..., Coroutine[Any, Any, R]]], Callable[..., Any]]:
    def decorate(method: Callable[..., Coroutine[Any, Any, R]]) -> Callable[..., Any]:
        @functools.wraps(method)
        async def guarded(node: DOMNode, *args: Any, **kwargs: Any) -> R | None:
            try:
                return await method(node, *args, **kwargs)
            except Exception as exc:
                where = f"{type(node).__name__}.{method.__name__}"
                log.exception("%s failed", where)
                node.app.post_message(WorkerFailed(where, exc))
                return None

        return work(guarded, group=group, exclusive=exclusive, exit_on_error=False)

    return decorate
