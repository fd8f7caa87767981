"""MockAdapter: an Adapter that records fossilize calls and emits events when a test says so."""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from typing import Any

from amber.core.fossilizer import Event, EventChannels, EventType, Evidence, Fossil, Result
from amber.core.fossilizer.protocols import FossilsQueue


@dataclass(frozen=True)
class FossilizeCall:
    data: bytes
    meta: bytes
    id: int


class MockAdapter:
    """Records every ``fossilize`` call (``calls``) and returns increasing ids, or the ids of a
    ``queue`` it pushes to. ``emit`` publishes an event to every registered channel."""

    def __init__(self, *, queue: FossilsQueue | None = None, name: str = "mock") -> None:
        self.name = name
        self.queue = queue
        self.channels = EventChannels()
        self.calls: list[FossilizeCall] = []
        self._lock = threading.Lock()
        self._next_id = 1

    def get_info(self) -> dict[str, Any]:
        return {"name": self.name, "description": "records calls; emits events on demand"}

    def add_fossilizer_event_chan(self, channel: queue.Queue[Event]) -> None:
        self.channels.add(channel)

    def remove_fossilizer_event_chan(self, channel: queue.Queue[Event]) -> None:
        self.channels.remove(channel)

    def fossilize(self, data: bytes, meta: bytes) -> int:
        fossil = Fossil(bytes(data), bytes(meta))
        with self._lock:
            if self.queue is not None:
                fossil_id = self.queue.push(fossil)
            else:
                fossil_id = self._next_id
                self._next_id += 1
            self.calls.append(FossilizeCall(fossil.data, fossil.meta, fossil_id))
            return fossil_id

    def emit(self, event: Event) -> None:
        self.channels.publish(event)

    def emit_fossilized(self, fossil: Fossil, proof: bytes = b"proof") -> Event:
        """Publish a DidFossilize event for ``fossil`` and return it."""
        event = Event(
            EventType.DID_FOSSILIZE,
            Result(fossil, Evidence(backend="mock", provider=self.name, proof=proof)),
        )
        self.emit(event)
        return event
