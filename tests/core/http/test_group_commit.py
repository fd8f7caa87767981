"""Concurrent POSTs share transactions, and one bad fossil never fails its neighbours."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Any

import pytest
from amber.core.http.group_commit import GroupCommit


class BatchRecorder:
    """An adapter whose batch call is slow enough that requests pile up behind it."""

    def __init__(self) -> None:
        self.batches: list[int] = []
        self.next_id = 1
        self.gate = threading.Event()

    def get_info(self) -> dict[str, Any]:
        return {}

    def add_fossilizer_event_chan(self, channel: Any) -> None: ...

    def remove_fossilizer_event_chan(self, channel: Any) -> None: ...

    def fossilize(self, data: bytes, meta: bytes) -> int:
        if data == b"bad":
            raise ValueError("bad data")
        self.next_id += 1
        return self.next_id - 1

    def fossilize_batch(self, items: Sequence[tuple[bytes, bytes]]) -> list[int]:
        self.gate.wait(5)
        if any(data == b"bad" for data, _ in items):
            raise ValueError("bad data")
        self.batches.append(len(items))
        return [self.fossilize(data, meta) for data, meta in items]


def test_a_burst_of_requests_is_committed_in_a_few_groups() -> None:
    adapter = BatchRecorder()
    group = GroupCommit(adapter)

    async def burst() -> list[int]:
        tasks = [asyncio.create_task(group.fossilize(bytes([i]), b"")) for i in range(200)]
        await asyncio.sleep(0)  # let every request join before the first commit ends
        adapter.gate.set()
        return await asyncio.gather(*tasks)

    ids = asyncio.run(burst())

    assert sorted(ids) == list(range(1, 201))
    assert adapter.batches == [200]  # one transaction for the whole burst


def test_one_bad_fossil_fails_alone() -> None:
    adapter = BatchRecorder()
    adapter.gate.set()
    group = GroupCommit(adapter)

    async def mixed() -> list[Any]:
        calls = [group.fossilize(data, b"") for data in (b"a", b"bad", b"c")]
        return await asyncio.gather(*calls, return_exceptions=True)

    first, bad, third = asyncio.run(mixed())

    assert isinstance(first, int) and isinstance(third, int) and first != third
    assert isinstance(bad, ValueError)
    with pytest.raises(ValueError, match="bad data"):
        asyncio.run(group.fossilize(b"bad", b""))
