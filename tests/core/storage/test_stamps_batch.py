"""The batched StampStore calls: find_by_digest_many and update_proofs (one query, one
transaction, for thousands of stamps), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from amber.core.fossilizer import BlockAttestation
from amber.core.storage import (
    NewStamp,
    NotFoundError,
    ProofUpdate,
    SqlFossilsQueue,
    StampState,
    StampStore,
)
from amber.core.testing.conformance import FakeClock

D1, D2, D3 = (bytes([n]) * 32 for n in (0xA1, 0xB2, 0xC3))
BLOCK = BlockAttestation(height=358391, block_hash="00" * 32, time=1432827678)


def test_find_by_digest_many_groups_the_stamps_of_each_digest(
    store: StampStore, queue: SqlFossilsQueue
) -> None:
    a, b, c = store.enqueue(queue, [NewStamp(D1), NewStamp(D2), NewStamp(D1, name="copy")])
    found = store.find_by_digest_many([D1, D3, D2, D1])
    assert set(found) == {D1, D2}, "digests never stamped are left out"
    assert [s.id for s in found[D1]] == [a.id, c.id]
    assert found[D2] == [b]
    assert store.find_by_digest_many([]) == {}


def test_find_by_digest_many_answers_for_more_digests_than_one_statement_takes(
    store: StampStore, queue: SqlFossilsQueue
) -> None:
    digests = [i.to_bytes(32, "big") for i in range(12_000)]
    store.enqueue(queue, [NewStamp(d) for d in digests[::2]])
    found = store.find_by_digest_many(digests)
    assert len(found) == 6_000 and set(found) == set(digests[::2])


def test_enqueue_returns_what_was_stored(store: StampStore, queue: SqlFossilsQueue) -> None:
    stamps = store.enqueue(
        queue, [NewStamp(D1, b"{}", "a.txt", "/docs", 12), NewStamp(D2, name="b.txt")]
    )
    assert [store.get(s.id) for s in stamps] == stamps
    assert [s.fossil_id for s in stamps] == [f.id for f in queue.pop(2)]


def test_update_proofs_updates_many_stamps_in_one_go(
    store: StampStore, queue: SqlFossilsQueue, clock: FakeClock
) -> None:
    a, b, c = store.enqueue(queue, [NewStamp(D1), NewStamp(D2), NewStamp(D3)])
    clock.advance(7)
    updated = store.update_proofs(
        [
            ProofUpdate(c.id, b"grew"),
            ProofUpdate(a.id, b"anchored", state=StampState.CONFIRMED, block=BLOCK),
            ProofUpdate(b.id, b"same", error="header source down"),
        ]
    )
    assert [s.id for s in updated] == [c.id, a.id, b.id]
    assert updated[0].proof == b"grew" and updated[0].state is StampState.QUEUED
    assert updated[1].state is StampState.CONFIRMED and updated[1].block == BLOCK
    assert updated[2].last_error == "header source down" and updated[2].block is None
    assert all(s.updated_at == a.added_at + 7 for s in updated)
    assert [store.get(s.id) for s in updated] == updated
    assert store.update_proofs([]) == []


def test_update_proofs_with_an_unknown_id_changes_nothing(
    store: StampStore, queue: SqlFossilsQueue
) -> None:
    (a,) = store.enqueue(queue, [NewStamp(D1)])
    with pytest.raises(NotFoundError):
        store.update_proofs([ProofUpdate(a.id, b"new"), ProofUpdate(10**9, b"p")])
    assert store.get(a.id) == a
