"""The OpenTimestamps adapter against real local calendars over HTTP."""

from __future__ import annotations

import json
import queue
from collections.abc import Iterator
from pathlib import Path

import pytest
from amber.core import Event, EventType
from amber.core.ots.adapter import FossilizerConfig, OtsAdapter, new_stamp, split_batch_proofs
from amber.core.ots.batch import Batch, attach_calendar_answer, make_batch
from amber.core.ots.calendar import CalendarClient
from amber.core.ots.proofs import read_proof, read_timestamp, write_proof
from amber.core.ots.walk import pending_attestations
from amber.core.storage import SqlFossilsQueue, StampState, StampStore, open_database
from amber.core.storage.schema import stamps
from amber.core.testing.calendar_server import LocalCalendar
from opentimestamps.core.notary import PendingAttestation
from opentimestamps.core.op import OpAppend, OpSHA256
from opentimestamps.core.timestamp import Timestamp
from sqlalchemy import select


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def calendars() -> Iterator[tuple[LocalCalendar, LocalCalendar]]:
    with LocalCalendar() as first, LocalCalendar() as second:
        yield first, second


def make_adapter(
    tmp_path: Path, urls: tuple[str, ...], min_calendars: int, clock: Clock
) -> OtsAdapter:
    db = open_database(f"sqlite:///{tmp_path / 'amber.sqlite3'}")
    return OtsAdapter(
        SqlFossilsQueue(db, clock=clock),
        StampStore(db, clock=clock),
        FossilizerConfig(calendars=urls, min_calendars=min_calendars, calendar_timeout=2.0),
        calendar_factory=lambda url: CalendarClient(url, timeout=2.0),
    )


def digest(n: int) -> bytes:
    return n.to_bytes(32, "big")


def meta(name: str) -> bytes:
    return json.dumps({"name": name, "folder": "/docs", "size": 3}).encode()


def test_a_batch_gets_one_submission_per_calendar_and_a_complete_proof_per_file(
    tmp_path: Path, calendars: tuple[LocalCalendar, LocalCalendar]
) -> None:
    urls = tuple(c.url for c in calendars)
    adapter = make_adapter(tmp_path, urls, 2, Clock())
    events: queue.Queue[Event] = queue.Queue()
    adapter.add_fossilizer_event_chan(events)
    ids = [adapter.fossilize(digest(i), meta(f"f{i}.txt")) for i in range(5)]
    assert [s.state for s in adapter.store.rows(adapter.store.query_ids())] == [
        StampState.QUEUED
    ] * 5

    outcome = adapter.run_once()

    assert outcome.reached_quorum and outcome.accepted_by == urls
    for calendar in calendars:
        assert calendar.requests["digest"] == 1  # only the batch's root went out
        assert all(d not in calendar.submitted for d in map(digest, range(5)))
    for i, fossil_id in enumerate(ids):
        stamp = adapter.store.by_fossil_id(fossil_id)
        assert stamp is not None and stamp.state is StampState.SUBMITTED
        assert stamp.name == f"f{i}.txt" and stamp.folder == "/docs"
        proof = read_proof(stamp.proof or b"")
        assert proof.file_digest == digest(i)
        assert sorted(url for url, _, _ in pending_attestations(proof.timestamp)) == sorted(urls)
    delivered = [events.get_nowait() for _ in range(5)]
    assert {e.event_type for e in delivered} == {EventType.DID_FOSSILIZE}
    assert sorted(e.data.fossil.id for e in delivered) == sorted(ids)
    assert all(e.data.evidence.calendars == urls for e in delivered)
    assert adapter.queue.depth() == 0


def test_missing_the_quorum_keeps_everything_queued_with_the_reason_and_retries_later(
    tmp_path: Path, calendars: tuple[LocalCalendar, LocalCalendar]
) -> None:
    good, bad = calendars
    bad.behaviour = "down"
    clock = Clock()
    adapter = make_adapter(tmp_path, (good.url, bad.url), 2, clock)
    fossil_id = adapter.fossilize(digest(1), meta("a.txt"))

    outcome = adapter.run_once()

    assert not outcome.reached_quorum and outcome.retry_after > 0
    stamp = adapter.store.by_fossil_id(fossil_id)
    assert stamp is not None and stamp.state is StampState.QUEUED
    assert bad.url in (stamp.last_error or "") and "500" in (stamp.last_error or "")
    statuses = {s.url: s for s in adapter.store.calendar_statuses()}
    assert statuses[bad.url].consecutive_failures == 1 and statuses[good.url].last_error is None
    assert adapter.run_once().popped == 0  # backing off: not retried at once

    bad.behaviour = "ok"
    clock.now += outcome.retry_after
    assert adapter.run_once().reached_quorum
    stamp = adapter.store.by_fossil_id(fossil_id)
    assert stamp is not None and stamp.state is StampState.SUBMITTED


@pytest.mark.parametrize("behaviour", ["garbage", "wrong_commitment", "redirect", "oversized"])
def test_a_misbehaving_calendar_counts_as_failed_and_healthy_ones_carry_the_batch(
    tmp_path: Path, calendars: tuple[LocalCalendar, LocalCalendar], behaviour: str
) -> None:
    good, sick = calendars
    sick.behaviour = behaviour
    adapter = make_adapter(tmp_path, (good.url, sick.url), 1, Clock())
    fossil_id = adapter.fossilize(digest(7), meta("x"))

    outcome = adapter.run_once()

    assert outcome.accepted_by == (good.url,)
    assert sick.url in outcome.failures
    stamp = adapter.store.by_fossil_id(fossil_id)
    assert stamp is not None and stamp.calendars == (good.url,)
    proof = read_proof(stamp.proof or b"")
    assert [url for url, _, _ in pending_attestations(proof.timestamp)] == [good.url]
    status = {s.url: s for s in adapter.store.calendar_statuses()}[sick.url]
    assert status.last_error == outcome.failures[sick.url]


def test_a_fossil_submitted_twice_is_recorded_once(
    tmp_path: Path, calendars: tuple[LocalCalendar, LocalCalendar]
) -> None:
    clock = Clock()
    adapter = make_adapter(tmp_path, (calendars[0].url,), 1, clock)
    fossil_id = adapter.fossilize(digest(3), meta("twice"))
    (leased,) = adapter.queue.pop(1)
    clock.now += 10_000  # the first worker's lease expires while it is still working
    assert adapter.run_once().submitted  # a second worker takes it and records it
    first = adapter.store.by_fossil_id(fossil_id)

    late = adapter.store.record_submitted(adapter.queue, [(leased, b"late proof", ("x",))])

    assert late == []
    assert adapter.store.by_fossil_id(fossil_id) == first


def test_fossilize_refuses_what_is_not_a_sha256_digest(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        new_stamp(b"short", b"")
    assert new_stamp(digest(1), b"not json").name == ""
    hostile = new_stamp(digest(1), json.dumps({"name": "a\u0000b\nc", "folder": 7}).encode())
    assert (hostile.name, hostile.folder) == ("abc", "7")


def test_every_fossil_in_a_batch_has_a_pending_attestation_from_each_calendar(
    tmp_path: Path, calendars: tuple[LocalCalendar, LocalCalendar]
) -> None:
    adapter = make_adapter(tmp_path, tuple(c.url for c in calendars), 2, Clock())
    adapter.fossilize_many([new_stamp(digest(i), b"") for i in range(33)])
    adapter.run_once()
    for stamp in adapter.store.rows(adapter.store.query_ids()):
        proof = read_proof(stamp.proof or b"")
        attestations = [
            a for _, a in proof.timestamp.all_attestations() if isinstance(a, PendingAttestation)
        ]
        assert len(attestations) == 2


def test_a_batch_stores_its_shared_part_once_and_each_stamp_reads_back_its_whole_proof(
    tmp_path: Path, calendars: tuple[LocalCalendar, LocalCalendar]
) -> None:
    urls = tuple(c.url for c in calendars)
    adapter = make_adapter(tmp_path, urls, 2, Clock())
    ids = [adapter.fossilize(digest(i), meta(f"f{i}.txt")) for i in range(4)]
    outcome = adapter.run_once()

    (batch,) = adapter.store.pending_batches()
    assert sorted(batch.stamp_ids) == sorted(s.id for s in outcome.submitted)
    root = read_timestamp(batch.root_proof, batch.root)
    assert sorted(url for url, _, _ in pending_attestations(root)) == sorted(urls)
    for fossil_id in ids:
        stamp = adapter.store.by_fossil_id(fossil_id)
        assert stamp is not None and stamp.batch_id == batch.batch_id
        whole = stamp.proof or b""
        assert whole.endswith(batch.root_proof)
        assert write_proof(read_proof(whole)) == whole  # a standard proof, byte for byte
    with adapter.store.db.read() as conn:
        stored = conn.execute(select(stamps.c.proof)).scalars().all()
    assert all(len(p) < 200 and not p.endswith(batch.root_proof) for p in stored)


def test_a_leaf_proof_is_its_prefix_followed_by_the_batch_root() -> None:
    batch = make_batch([digest(i) for i in range(7)], nonce_source=lambda n: b"\x07" * n)
    answer = Timestamp(batch.root)
    answer.ops.add(OpAppend(b"\x01" * 8)).ops.add(OpSHA256()).attestations.add(
        PendingAttestation("https://cal.example")
    )
    attach_calendar_answer(batch, answer)
    proofs = [write_proof(p) for p in batch.proofs]

    split = split_batch_proofs(batch)

    assert split is not None
    root_proof, prefixes = split
    assert [prefix + root_proof for prefix in prefixes] == proofs
    hand_built = Batch(root=batch.root, proofs=batch.proofs)  # no root timestamp: kept whole
    assert split_batch_proofs(hand_built) is None
    batch.proofs[1].timestamp.attestations.add(PendingAttestation("https://odd.example"))
    assert split_batch_proofs(batch) is None  # not a bare chain any more: stored whole
