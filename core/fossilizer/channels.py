"""Fan-out of events to the channels registered with an adapter."""

from __future__ import annotations

import queue
import threading

from .types import Event


class EventChannels:
    """The set of channels an adapter publishes to. Thread-safe; publishing never blocks."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._channels: list[queue.Queue[Event]] = []

    def add(self, channel: queue.Queue[Event]) -> None:
        with self._lock:
            if not any(c is channel for c in self._channels):
                self._channels.append(channel)

    def remove(self, channel: queue.Queue[Event]) -> None:
        with self._lock:
            self._channels = [c for c in self._channels if c is not channel]

    def publish(self, event: Event) -> None:
        with self._lock:
            channels = list(self._channels)
        for channel in channels:
            channel.put_nowait(event)

    def __len__(self) -> int:
        with self._lock:
            return len(self._channels)
