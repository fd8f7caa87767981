"""AdapterConformance: what every fossilizer Adapter must do. Subclass it and implement
``make_adapter`` and ``trigger_event`` (make the adapter publish one event)."""

from __future__ import annotations

import queue
from collections.abc import Iterator

import pytest
from amber.core.fossilizer import Adapter, Event

EVENT_TIMEOUT_SECONDS = 10.0
CHANNELS = 3


class AdapterConformance:
    def make_adapter(self) -> Adapter:
        raise NotImplementedError("an AdapterConformance subclass implements make_adapter")

    def trigger_event(self, adapter: Adapter) -> None:
        raise NotImplementedError("an AdapterConformance subclass implements trigger_event")

    def close_adapter(self, adapter: Adapter) -> None:
        """Override to stop what make_adapter started."""

    @pytest.fixture
    def adapter(self) -> Iterator[Adapter]:
        made = self.make_adapter()
        try:
            yield made
        finally:
            self.close_adapter(made)

    def test_implements_the_protocol(self, adapter: Adapter) -> None:
        assert isinstance(adapter, Adapter)
        assert isinstance(adapter.get_info(), dict)

    def test_fossilize_returns_distinct_ids(self, adapter: Adapter) -> None:
        ids = [adapter.fossilize(bytes([i]) * 32, b"{}") for i in range(1, 4)]
        assert all(isinstance(i, int) for i in ids)
        assert len(set(ids)) == 3

    def test_an_event_reaches_every_registered_channel(self, adapter: Adapter) -> None:
        channels: list[queue.Queue[Event]] = [queue.Queue() for _ in range(CHANNELS)]
        for channel in channels:
            adapter.add_fossilizer_event_chan(channel)
        self.trigger_event(adapter)
        received = [channel.get(timeout=EVENT_TIMEOUT_SECONDS) for channel in channels]
        assert all(isinstance(event, Event) for event in received)
        assert len({id(event) for event in received}) in (1, CHANNELS)

    def test_a_removed_channel_gets_nothing(self, adapter: Adapter) -> None:
        kept: queue.Queue[Event] = queue.Queue()
        removed: queue.Queue[Event] = queue.Queue()
        adapter.add_fossilizer_event_chan(kept)
        adapter.add_fossilizer_event_chan(removed)
        adapter.remove_fossilizer_event_chan(removed)
        self.trigger_event(adapter)
        kept.get(timeout=EVENT_TIMEOUT_SECONDS)
        assert removed.empty()
