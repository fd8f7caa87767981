"""EventHub and Subscription: bounded per-client buffers, clean registration with the adapter."""

from __future__ import annotations

import asyncio
import json

from amber.core.fossilizer import Fossil
from amber.core.http import CLOSE_GOING_AWAY, CLOSE_TOO_SLOW, EventHub
from amber.core.http.hub import Subscription
from amber.core.testing import MockAdapter


def test_a_subscription_never_holds_more_than_its_buffer() -> None:
    async def scenario() -> None:
        subscription = Subscription(buffer=3, name="slow")
        for n in range(10):
            subscription.offer(str(n))
        assert subscription.messages.qsize() == 3
        assert subscription.ended.is_set()
        assert (subscription.end_code, subscription.end_reason) == (
            CLOSE_TOO_SLOW,
            "too slow: send buffer full",
        )
        assert [subscription.messages.get_nowait() for _ in range(3)] == ["0", "1", "2"]

    asyncio.run(scenario())


def test_the_hub_bridges_adapter_events_in_order_and_leaves_the_adapter_on_stop() -> None:
    adapter = MockAdapter()

    async def scenario() -> None:
        hub = EventHub(adapter, buffer=100)
        await hub.start()
        assert len(adapter.channels) == 1
        subscription = hub.subscribe("client")
        for n in range(1, 21):
            adapter.emit_fossilized(Fossil(bytes([n]) * 32, b"", n))
        received = [json.loads(await subscription.messages.get()) for _ in range(20)]
        assert [m["data"]["fossil"]["id"] for m in received] == list(range(1, 21))
        await hub.stop()
        assert len(adapter.channels) == 0
        assert subscription.end_code == CLOSE_GOING_AWAY
        await hub.stop()  # twice is harmless

    asyncio.run(scenario())
