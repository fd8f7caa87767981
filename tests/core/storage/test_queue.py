"""What SqlFossilsQueue adds to the conformance suite: durability, batches, transactions."""

from __future__ import annotations

import pytest
from amber.core.fossilizer import Fossil
from amber.core.storage import (
    MAX_FOSSIL_DATA_BYTES,
    MAX_FOSSIL_META_BYTES,
    Database,
    SqlFossilsQueue,
    open_database,
)
from amber.core.testing.conformance import FakeClock


def test_fossils_survive_closing_and_reopening(sqlite_url: str) -> None:
    queue = SqlFossilsQueue(sqlite_url)
    queue.push_many([Fossil(b"a", b"1"), Fossil(b"b", b"2")])
    queue.pop(1)  # leased, then the process "dies"
    queue.close()
    clock = FakeClock(start=10**10)  # long after the lease ran out
    reopened = SqlFossilsQueue(sqlite_url, clock=clock)
    try:
        assert [(f.data, f.meta) for f in reopened.pop(10)] == [(b"a", b"1"), (b"b", b"2")]
        assert reopened.depth() == 2
    finally:
        reopened.close()


def test_push_many_returns_ids_in_order_and_ids_are_never_reused(queue: SqlFossilsQueue) -> None:
    ids = queue.push_many([Fossil(bytes([i + 1])) for i in range(50)])
    assert ids == list(range(ids[0], ids[0] + 50))
    assert [f.data for f in queue.pop(50)] == [bytes([i + 1]) for i in range(50)]
    queue.ack([Fossil(b"x", id=i) for i in ids])
    assert queue.depth() == 0
    (again,) = queue.push_many([Fossil(b"new")])
    assert again > ids[-1], "an acked fossil's id must never name another fossil"
    assert queue.push_many([]) == []


def test_depth_counts_leased_and_waiting_fossils(queue: SqlFossilsQueue) -> None:
    queue.push_many([Fossil(b"a"), Fossil(b"b"), Fossil(b"c")])
    popped = queue.pop(2)
    assert queue.depth() == 3
    queue.ack(popped[:1])
    assert queue.depth() == 2


def test_ack_and_push_join_the_callers_transaction(db: Database, queue: SqlFossilsQueue) -> None:
    queue.push(Fossil(b"a"))
    popped = queue.pop(1)
    with pytest.raises(RuntimeError), db.write() as conn:
        queue.ack(popped, conn=conn)
        queue.push_many([Fossil(b"b")], conn=conn)
        raise RuntimeError("the caller's work failed")
    assert queue.depth() == 1, "the ack and the push were rolled back with the caller"
    queue.release(popped)
    assert [f.data for f in queue.pop(5)] == [b"a"]


def test_big_batches_cross_statement_chunks(queue: SqlFossilsQueue) -> None:
    ids = queue.push_many([Fossil(i.to_bytes(3, "big")) for i in range(12_000)])
    popped = queue.pop(10_000) + queue.pop(10_000)
    assert [f.id for f in popped] == ids
    queue.release(popped[:6_000])
    queue.ack(popped)
    assert queue.depth() == 0


def test_limits_are_enforced_with_clear_errors(queue: SqlFossilsQueue) -> None:
    with pytest.raises(ValueError, match="data is"):
        queue.push(Fossil(b"x" * (MAX_FOSSIL_DATA_BYTES + 1)))
    with pytest.raises(ValueError, match="meta is"):
        queue.push(Fossil(b"x", b"m" * (MAX_FOSSIL_META_BYTES + 1)))
    with pytest.raises(TypeError):
        queue.push("not a fossil")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lease_seconds"):
        SqlFossilsQueue(queue.db, lease_seconds=0)
    assert queue.depth() == 0


def test_two_queue_objects_on_two_connections_never_share(sqlite_url: str) -> None:
    first = SqlFossilsQueue(sqlite_url)
    second = SqlFossilsQueue(open_database(sqlite_url))
    try:
        first.push_many([Fossil(bytes([i + 1])) for i in range(10)])
        a, b = first.pop(4), second.pop(4)
        assert not {f.id for f in a} & {f.id for f in b}
        assert len(first.pop(10)) == 2
    finally:
        first.close()
        second.db.close()
