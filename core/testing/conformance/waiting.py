"""Waiting for a condition with a deadline, instead of sleeping a fixed time."""

from __future__ import annotations

import time
from collections.abc import Callable

DEFAULT_WAIT_SECONDS = 10.0
_POLL_SECONDS = 0.002


def wait_until(
    condition: Callable[[], bool], *, timeout: float = DEFAULT_WAIT_SECONDS, what: str = ""
) -> None:
    """Return as soon as ``condition()`` is true; AssertionError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or condition}")
        time.sleep(_POLL_SECONDS)
