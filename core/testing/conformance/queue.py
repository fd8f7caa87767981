"""FossilsQueueConformance: what every FossilsQueue must do. Subclass it in a test module and
implement ``make_queue``::

    class TestMyQueue(FossilsQueueConformance):
        def make_queue(self, clock, lease_seconds):
            return MyQueue(clock=clock, lease_seconds=lease_seconds)
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator

import pytest
from amber.core.fossilizer import Fossil, FossilsQueue
from amber.core.storage.limits import MAX_POP

from .clock import FakeClock

LEASE_SECONDS = 60.0
CONSUMER_THREADS = 4
FOSSILS_FOR_CONSUMERS = 400
JOIN_TIMEOUT_SECONDS = 60.0


def fossil(i: int) -> Fossil:
    return Fossil(i.to_bytes(4, "big") + b"\x00\xff", f'{{"n": {i}}}'.encode())


class FossilsQueueConformance:
    max_pop: int = MAX_POP

    def make_queue(self, clock: FakeClock, lease_seconds: float) -> FossilsQueue:
        raise NotImplementedError("a FossilsQueueConformance subclass implements make_queue")

    def close_queue(self, queue: FossilsQueue) -> None:
        """Override to release what make_queue took (files, connections)."""

    @pytest.fixture
    def clock(self) -> FakeClock:
        return FakeClock()

    @pytest.fixture
    def queue(self, clock: FakeClock) -> Iterator[FossilsQueue]:
        made = self.make_queue(clock, LEASE_SECONDS)
        try:
            yield made
        finally:
            self.close_queue(made)

    def test_implements_the_protocol(self, queue: FossilsQueue) -> None:
        assert isinstance(queue, FossilsQueue)

    def test_pop_on_an_empty_queue_returns_nothing(self, queue: FossilsQueue) -> None:
        assert queue.pop(10) == []

    def test_fifo_with_ids_and_exact_bytes(self, queue: FossilsQueue) -> None:
        ids = [queue.push(fossil(i)) for i in range(5)]
        assert ids == sorted(ids) and len(set(ids)) == 5
        popped = queue.pop(3) + queue.pop(10)
        assert [f.id for f in popped] == ids
        assert [(f.data, f.meta) for f in popped] == [
            (fossil(i).data, fossil(i).meta) for i in range(5)
        ]

    def test_pop_takes_at_most_n(self, queue: FossilsQueue) -> None:
        for i in range(7):
            queue.push(fossil(i))
        assert len(queue.pop(2)) == 2
        assert len(queue.pop(4)) == 4
        assert len(queue.pop(4)) == 1

    @pytest.mark.parametrize("n", [0, -1, -1000])
    def test_pop_refuses_n_below_one(self, queue: FossilsQueue, n: int) -> None:
        queue.push(fossil(1))
        with pytest.raises(ValueError):
            queue.pop(n)
        assert len(queue.pop(1)) == 1, "a refused pop must lease nothing"

    def test_pop_refuses_more_than_max_pop(self, queue: FossilsQueue) -> None:
        with pytest.raises(ValueError, match="MAX_POP"):
            queue.pop(self.max_pop + 1)
        assert queue.pop(self.max_pop) == []

    def test_a_lease_hides_the_fossil_until_it_expires(
        self, queue: FossilsQueue, clock: FakeClock
    ) -> None:
        first = queue.push(fossil(1))
        second = queue.push(fossil(2))
        assert [f.id for f in queue.pop(1)] == [first]
        clock.advance(LEASE_SECONDS - 1)
        assert [f.id for f in queue.pop(5)] == [second]
        assert queue.pop(5) == []
        clock.advance(1.5)
        assert [f.id for f in queue.pop(5)] == [first], "expired lease: popped again"
        clock.advance(LEASE_SECONDS)
        assert [f.id for f in queue.pop(5)] == [first, second], "both expired, FIFO again"

    def test_ack_removes_for_good(self, queue: FossilsQueue, clock: FakeClock) -> None:
        for i in range(3):
            queue.push(fossil(i))
        popped = queue.pop(3)
        queue.ack(popped[:2])
        clock.advance(LEASE_SECONDS * 10)
        assert [f.id for f in queue.pop(10)] == [popped[2].id]
        queue.ack(popped[:2])  # acking again is harmless

    def test_release_returns_fossils_at_once_in_fifo_order(self, queue: FossilsQueue) -> None:
        for i in range(4):
            queue.push(fossil(i))
        popped = queue.pop(4)
        queue.release([popped[2], popped[0]])
        assert [f.id for f in queue.pop(10)] == [popped[0].id, popped[2].id]

    def test_release_with_retry_after_waits(self, queue: FossilsQueue, clock: FakeClock) -> None:
        queue.push(fossil(1))
        popped = queue.pop(1)
        queue.release(popped, retry_after=30.0)
        clock.advance(29.0)
        assert queue.pop(1) == []
        clock.advance(1.0)
        assert [f.id for f in queue.pop(1)] == [popped[0].id]

    def test_ack_and_release_refuse_fossils_without_an_id(self, queue: FossilsQueue) -> None:
        with pytest.raises(ValueError):
            queue.ack([fossil(1)])
        with pytest.raises(ValueError):
            queue.release([fossil(1)])

    def test_release_refuses_a_negative_delay(self, queue: FossilsQueue) -> None:
        queue.push(fossil(1))
        with pytest.raises(ValueError):
            queue.release(queue.pop(1), retry_after=-1.0)

    def test_concurrent_consumers_never_share_and_deliver_everything_once(
        self, queue: FossilsQueue
    ) -> None:
        pushed = {queue.push(fossil(i)) for i in range(FOSSILS_FOR_CONSUMERS)}
        held: set[int] = set()
        delivered: list[int] = []
        errors: list[BaseException] = []
        lock = threading.Lock()
        start = threading.Barrier(CONSUMER_THREADS)

        def consume(seed: int) -> None:
            rng = random.Random(seed)
            try:
                start.wait()
                while True:
                    batch = queue.pop(rng.randint(1, 25))
                    if not batch:
                        return  # no releases and no expiry: empty means everything is taken
                    ids = [f.id for f in batch]
                    assert all(i is not None for i in ids)
                    with lock:
                        shared = held.intersection(ids)
                        assert not shared, f"fossils {shared} held by two consumers at once"
                        held.update(i for i in ids if i is not None)
                    queue.ack(batch)
                    with lock:
                        held.difference_update(ids)
                        delivered.extend(i for i in ids if i is not None)
            except BaseException as error:
                with lock:
                    errors.append(error)

        threads = [threading.Thread(target=consume, args=(n,)) for n in range(CONSUMER_THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(JOIN_TIMEOUT_SECONDS)
        assert not any(t.is_alive() for t in threads), "a consumer thread hung"
        assert not errors, errors[0]
        assert sorted(delivered) == sorted(pushed), "every fossil delivered exactly once"
        assert queue.pop(1) == []
