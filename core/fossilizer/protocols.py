"""The three roles of the fossilizer model, as structural protocols."""

from __future__ import annotations

import queue
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from .types import Event, Fossil

EventChannel = queue.Queue  # a channel of Event; unbounded, so a publisher never blocks


@runtime_checkable
class FossilsQueue(Protocol):
    """A queue of fossils waiting to be fossilized.

    ``pop`` leases fossils: a leased fossil is invisible to other consumers until it is acked
    (gone for good), released (back at once, or after ``retry_after`` seconds) or its lease expires.
    """

    def push(self, fossil: Fossil) -> int: ...

    def pop(self, n: int) -> list[Fossil]: ...

    def ack(self, fossils: Sequence[Fossil]) -> None: ...

    def release(self, fossils: Sequence[Fossil], retry_after: float = 0.0) -> None: ...


@runtime_checkable
class Adapter(Protocol):
    """A fossilizer backend."""

    def get_info(self) -> dict[str, Any]: ...

    def add_fossilizer_event_chan(self, channel: queue.Queue[Event]) -> None: ...

    def remove_fossilizer_event_chan(self, channel: queue.Queue[Event]) -> None: ...

    def fossilize(self, data: bytes, meta: bytes) -> int: ...


@runtime_checkable
class BatchAdapter(Protocol):
    """An adapter that can also queue many fossils in one durable step (optional)."""

    def fossilize_batch(self, items: Sequence[tuple[bytes, bytes]]) -> list[int]: ...


@runtime_checkable
class EventExporter(Protocol):
    """Receives adapter events. ``push`` raises to signal failure; the event is then retried."""

    def push(self, event: Event) -> None: ...
