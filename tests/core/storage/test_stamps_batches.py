"""Batched stamps: the batch's shared proof part is stored once, readers still get full proofs."""

from __future__ import annotations

import pytest
from amber.core.fossilizer import BlockAttestation
from amber.core.storage import (
    Database,
    NewStamp,
    NotFoundError,
    SqlFossilsQueue,
    StampState,
    StampStore,
    SubmittedBatch,
)
from amber.core.storage.schema import batches, stamps
from amber.core.testing.conformance import FakeClock
from sqlalchemy import select

BLOCK = BlockAttestation(height=358391, block_hash="00" * 32, time=1432827678)
ROOT = b"\x42" * 32
SHARED = b"\xf0\x00shared-part\x00\xff"


def _submit_batch(
    store: StampStore, queue: SqlFossilsQueue, n: int, shared: bytes = SHARED
) -> list:
    store.enqueue(queue, [NewStamp(bytes([i + 1]) * 32, name=f"f{i}") for i in range(n)])
    fossils = queue.pop(n)
    done = [(f, b"prefix-%d\x00" % i, ("https://cal",)) for i, f in enumerate(fossils)]
    return store.record_submitted(queue, done, batch=SubmittedBatch(ROOT, shared))


def test_a_batch_is_stored_once_and_every_reader_gets_full_proofs(
    db: Database, store: StampStore, queue: SqlFossilsQueue
) -> None:
    submitted = _submit_batch(store, queue, 3)

    full = [b"prefix-%d\x00" % i + SHARED for i in range(3)]
    assert [s.proof for s in submitted] == full
    ids = [s.id for s in submitted]
    assert [s.proof for s in store.rows(ids)] == full
    assert store.get(ids[1]) == submitted[1]
    assert [s.proof for s in store.pending()] == full
    assert store.pending(batched=False) == []
    assert store.find_by_digest(b"\x02" * 32)[0].proof == full[1]
    with db.read() as conn:
        assert conn.execute(select(stamps.c.proof).order_by(stamps.c.id)).scalars().all() == [
            b"prefix-%d\x00" % i for i in range(3)
        ]
        assert conn.execute(select(batches.c.root_proof)).scalars().all() == [SHARED]


def test_pending_batches_and_confirming_one_in_one_call(
    store: StampStore, queue: SqlFossilsQueue, clock: FakeClock
) -> None:
    submitted = _submit_batch(store, queue, 3)
    (pending,) = store.pending_batches()
    assert pending.root == ROOT and pending.root_proof == SHARED
    assert pending.stamp_ids == tuple(s.id for s in submitted)

    clock.advance(5)
    grown = SHARED + b"+bitcoin"
    confirmed = store.confirm_batch(pending.batch_id, grown, BLOCK)

    assert [s.id for s in confirmed] == [s.id for s in submitted]
    for stamp in confirmed:
        assert stamp.state is StampState.CONFIRMED and stamp.block == BLOCK
        assert stamp.proof is not None and stamp.proof.endswith(grown)
        assert stamp.last_error is None
    assert store.pending_batches() == []
    assert store.counts()[StampState.CONFIRMED] == 3
    assert store.confirm_batch(pending.batch_id, grown, BLOCK) == []  # nothing left to confirm


def test_a_batch_proof_update_keeps_stamps_pending_with_the_error(
    store: StampStore, queue: SqlFossilsQueue
) -> None:
    submitted = _submit_batch(store, queue, 2)
    (pending,) = store.pending_batches()
    store.update_batch_proof(pending.batch_id, SHARED + b"more", error="no header yet")
    for stamp in store.rows([s.id for s in submitted]):
        assert stamp.state is StampState.SUBMITTED and stamp.last_error == "no header yet"
        assert stamp.proof is not None and stamp.proof.endswith(SHARED + b"more")
    with pytest.raises(NotFoundError):
        store.update_batch_proof(pending.batch_id + 100, b"x")


def test_a_stamp_given_a_whole_proof_leaves_its_batch(
    store: StampStore, queue: SqlFossilsQueue
) -> None:
    first, second = _submit_batch(store, queue, 2)
    updated = store.update_proof(first.id, b"whole proof")
    assert updated.proof == b"whole proof" and updated.batch_id is None
    assert store.get(first.id) == updated
    (pending,) = store.pending_batches()
    assert pending.stamp_ids == (second.id,)
    assert [s.id for s in store.pending(batched=False)] == [first.id]


def test_recording_a_batch_twice_changes_nothing(store: StampStore, queue: SqlFossilsQueue) -> None:
    store.enqueue(queue, [NewStamp(b"\x01" * 32)])
    fossils = queue.pop(1)
    done = [(fossils[0], b"p", ("https://cal",))]
    assert len(store.record_submitted(queue, done, batch=SubmittedBatch(ROOT, SHARED))) == 1
    assert store.record_submitted(queue, done, batch=SubmittedBatch(ROOT, b"other")) == []
    assert [b.root_proof for b in store.pending_batches()] == [SHARED]


def test_stamp_rows_are_read_by_position_so_the_column_order_is_fixed() -> None:
    assert [c.name for c in stamps.c] == [
        "id",
        "fossil_id",
        "digest",
        "hash_algo",
        "name",
        "folder",
        "search_key",
        "size",
        "added_at",
        "updated_at",
        "state",
        "last_error",
        "proof",
        "calendars",
        "block_height",
        "block_hash",
        "block_time",
        "origin",
        "batch_id",
    ]
