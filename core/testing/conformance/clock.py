"""A clock tests move by hand."""

from __future__ import annotations

import threading


class FakeClock:
    """Callable like ``time.time``; time only moves when ``advance`` is called."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a FakeClock never goes back")
        with self._lock:
            self._now += seconds
