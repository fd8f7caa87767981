"""The Adapter conformance suite on MockAdapter, with and without a queue behind it."""

from __future__ import annotations

from amber.core.fossilizer import Adapter, Fossil
from amber.core.testing import MemoryFossilsQueue, MockAdapter
from amber.core.testing.conformance import AdapterConformance


class TestMockAdapter(AdapterConformance):
    def make_adapter(self) -> Adapter:
        return MockAdapter()

    def trigger_event(self, adapter: Adapter) -> None:
        assert isinstance(adapter, MockAdapter)
        adapter.emit_fossilized(Fossil(b"\x01" * 32, b"{}", 1))


class TestMockAdapterOverAQueue(TestMockAdapter):
    def make_adapter(self) -> Adapter:
        return MockAdapter(queue=MemoryFossilsQueue())


def test_mock_adapter_records_calls_and_pushes_to_its_queue() -> None:
    queue = MemoryFossilsQueue()
    adapter = MockAdapter(queue=queue)
    fossil_id = adapter.fossilize(b"\x02" * 32, b'{"name": "a.txt"}')
    assert [(c.data, c.meta, c.id) for c in adapter.calls] == [
        (b"\x02" * 32, b'{"name": "a.txt"}', fossil_id)
    ]
    assert queue.pop(5) == [Fossil(b"\x02" * 32, b'{"name": "a.txt"}', fossil_id)]
