"""MemoryFossilsQueue: the FossilsQueue semantics of SqlFossilsQueue, in memory, for tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from amber.core.fossilizer import Fossil
from amber.core.storage.limits import (
    check_lease_seconds,
    check_pop_count,
    check_pushable,
    check_retry_after,
    queued_ids,
)
from amber.core.storage.queue import DEFAULT_LEASE_SECONDS


@dataclass
class _Entry:
    fossil: Fossil
    visible_at: float


class MemoryFossilsQueue:
    """FIFO by id, leasing ``pop``, thread-safe; time comes from ``clock``. Not durable."""

    def __init__(
        self,
        *,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        check_lease_seconds(lease_seconds)
        self.lease_seconds = float(lease_seconds)
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[int, _Entry] = {}  # insertion order is id order
        self._next_id = 1

    def push(self, fossil: Fossil) -> int:
        return self.push_many([fossil])[0]

    def push_many(self, fossils: Sequence[Fossil]) -> list[int]:
        check_pushable(fossils)
        with self._lock:
            now = self._clock()
            ids = []
            for fossil in fossils:
                fossil_id = self._next_id
                self._next_id += 1
                self._entries[fossil_id] = _Entry(fossil.with_id(fossil_id), now)
                ids.append(fossil_id)
            return ids

    def pop(self, n: int) -> list[Fossil]:
        check_pop_count(n)
        with self._lock:
            now = self._clock()
            leased = []
            for entry in self._entries.values():
                if entry.visible_at <= now:
                    entry.visible_at = now + self.lease_seconds
                    leased.append(entry.fossil)
                    if len(leased) == n:
                        break
            return leased

    def ack(self, fossils: Sequence[Fossil]) -> None:
        ids = queued_ids(fossils)
        with self._lock:
            for fossil_id in ids:
                self._entries.pop(fossil_id, None)

    def release(self, fossils: Sequence[Fossil], retry_after: float = 0.0) -> None:
        check_retry_after(retry_after)
        ids = queued_ids(fossils)
        with self._lock:
            visible_at = self._clock() + retry_after
            for fossil_id in ids:
                entry = self._entries.get(fossil_id)
                if entry is not None:
                    entry.visible_at = visible_at

    def depth(self) -> int:
        with self._lock:
            return len(self._entries)
