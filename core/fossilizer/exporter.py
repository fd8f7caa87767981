"""run_exporter: deliver every adapter event to an exporter, retrying failed pushes."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

from .protocols import Adapter, EventExporter
from .types import Event

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff between failed pushes of one event."""

    first_delay: float = 0.05
    max_delay: float = 5.0
    factor: float = 2.0

    def delays(self) -> Callable[[], float]:
        delay = self.first_delay

        def next_delay() -> float:
            nonlocal delay
            current = delay
            delay = min(delay * self.factor, self.max_delay)
            return current

        return next_delay


def run_exporter(
    adapter: Adapter,
    exporter: EventExporter,
    stop: threading.Event,
    *,
    retry: RetryPolicy | None = None,
    poll_interval: float = 0.1,
    on_error: Callable[[Event, BaseException], None] | None = None,
) -> None:
    """Push every event of ``adapter`` to ``exporter`` until ``stop`` is set.

    A push that raises is retried with backoff, in order, until it succeeds or ``stop`` is set;
    nothing is dropped silently. When ``stop`` is set the channel is unregistered, so no publisher
    keeps feeding a channel nobody reads.
    """
    policy = retry or RetryPolicy()
    channel: queue.Queue[Event] = queue.Queue()
    adapter.add_fossilizer_event_chan(channel)
    try:
        while not stop.is_set():
            try:
                event = channel.get(timeout=poll_interval)
            except queue.Empty:
                continue
            _push_with_retry(exporter, event, stop, policy, on_error)
    finally:
        adapter.remove_fossilizer_event_chan(channel)


def _push_with_retry(
    exporter: EventExporter,
    event: Event,
    stop: threading.Event,
    policy: RetryPolicy,
    on_error: Callable[[Event, BaseException], None] | None,
) -> bool:
    next_delay = policy.delays()
    while True:
        try:
            exporter.push(event)
            return True
        except Exception as error:  # an exporter may fail in any way; we retry all of them
            log.warning("exporter push failed for %s, retrying: %s", event.event_type, error)
            if on_error is not None:
                on_error(event, error)
            if stop.wait(next_delay()):
                return False
