"""The upgrader: pending proofs become Bitcoin-confirmed only after a header check."""

from __future__ import annotations

import queue
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from amber.core import Event, EventChannels, EventType
from amber.core.ots.batch import attach_calendar_answer, make_batch
from amber.core.ots.calendar import CalendarClient
from amber.core.ots.proofs import read_proof, write_proof
from amber.core.ots.walk import bitcoin_attestations
from amber.core.service import AmberService, Upgrader, UpgradeSchedule, calendar_whitelist
from amber.core.settings import Settings
from amber.core.storage import NewStamp, StampState, StampStore, open_database
from amber.core.testing.calendar_server import LocalCalendar
from amber.core.testing.regtest import RegtestNode
from amber.core.verify import BlockHeader, HeaderSourceError, VerdictKind
from opentimestamps.core.notary import BitcoinBlockHeaderAttestation, PendingAttestation
from opentimestamps.core.op import OpAppend, OpSHA256
from opentimestamps.core.serialize import BytesSerializationContext
from opentimestamps.core.timestamp import Timestamp

from tests.vectors import block_header_358391

LIAR = "https://alice.btc.calendar.opentimestamps.org"  # whitelisted by the reference defaults


def service_for(tmp_path: Path, calendar: LocalCalendar, node: RegtestNode | None) -> AmberService:
    settings = Settings(
        data_dir=tmp_path / "data",
        calendars=(calendar.url,),
        min_calendars=1,
        chain="regtest",
        bitcoin_node=node.rpc_url if node else None,
    )
    return AmberService(settings)


@pytest.fixture
def calendar() -> Iterator[LocalCalendar]:
    with LocalCalendar() as local:
        yield local


def test_confirmation_events_carry_the_checked_block(
    tmp_path: Path, calendar: LocalCalendar, regtest_node: RegtestNode
) -> None:
    with service_for(tmp_path, calendar, regtest_node) as service:
        events: queue.Queue[Event] = queue.Queue()
        service.adapter.add_fossilizer_event_chan(events)
        stamps = service.stamp([_new(i) for i in range(3)])
        assert service.submit_pending([s.id for s in stamps], timeout=10)
        height = calendar.anchor(regtest_node)

        report = service.upgrader.run_once()

        assert report.requests == 1 and len(report.confirmed) == 3
        expected_hash = regtest_node.rpc("getblockhash", height)
        header = regtest_node.rpc("getblockheader", expected_hash)
        confirms = [e for e in _drain(events) if e.event_type is EventType.DID_CONFIRM]
        assert len(confirms) == 3
        for event in confirms:
            block = event.data.evidence.block
            assert (block.height, block.block_hash, block.time) == (
                height,
                expected_hash,
                header["time"],
            )
            assert event.data.evidence.state == "confirmed"
        assert service.store.counts()[StampState.CONFIRMED] == 3


def test_a_batch_is_upgraded_once_and_each_stamp_keeps_a_whole_proof_that_verifies(
    tmp_path: Path, calendar: LocalCalendar, regtest_node: RegtestNode
) -> None:
    with service_for(tmp_path, calendar, regtest_node) as service:
        events: queue.Queue[Event] = queue.Queue()
        service.adapter.add_fossilizer_event_chan(events)
        stamps = service.stamp([_new(i) for i in range(5)])
        assert service.submit_pending([s.id for s in stamps], timeout=10)
        (batch,) = service.store.pending_batches()
        height = calendar.anchor(regtest_node)
        _drain(events)

        report = service.upgrader.run_once()

        assert report.requests == 1 and report.still_pending == 0
        assert sorted(s.id for s in report.confirmed) == sorted(s.id for s in stamps)
        assert report.upgraded == sorted(s.id for s in stamps)
        assert service.store.pending_batches() == []
        confirms = {e.data.evidence.extra["stamp_id"]: e for e in _drain(events)}
        for stamp in stamps:
            stored = service.store.get(stamp.id)
            assert stored is not None and stored.state is StampState.CONFIRMED
            assert stored.batch_id == batch.batch_id and stored.block_height == height
            assert confirms[stamp.id].data.evidence.proof == stored.proof
            verdict = service.verify(stored.proof or b"", digest=stamp.digest)
            assert verdict.kind is VerdictKind.ATTESTED and verdict.block == stored.block


def test_without_a_header_source_an_anchored_stamp_waits_and_needs_no_second_request(
    tmp_path: Path, calendar: LocalCalendar, regtest_node: RegtestNode
) -> None:
    with service_for(tmp_path, calendar, None) as service:
        (stamp,) = service.stamp([_new(9)])
        assert service.submit_pending([stamp.id], timeout=10)
        calendar.anchor(regtest_node)
        report = service.upgrader.run_once()
        waiting = service.store.get(stamp.id)
        assert report.confirmed == [] and waiting is not None
        assert waiting.state is StampState.SUBMITTED
        assert "header" in (waiting.last_error or "")
        assert bitcoin_attestations(read_proof(waiting.proof or b"").timestamp)

    asked = calendar.requests["timestamp"]
    with service_for(tmp_path, calendar, regtest_node) as service:
        report = service.upgrader.run_once()
        assert [s.id for s in report.confirmed] == [stamp.id]
        assert calendar.requests["timestamp"] == asked  # the proof was already complete


class FixedHeaders:
    name = "fixed"

    def header_at(self, height: int) -> BlockHeader:
        if height != 358391:
            raise HeaderSourceError(f"no header for {height}")
        return BlockHeader.parse(block_header_358391())


def test_a_calendar_claiming_a_block_its_path_does_not_reach_is_refused(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    store = StampStore(db)
    batch = make_batch([b"\x05" * 32], nonce_source=lambda n: b"\x00" * n)
    answer = Timestamp(batch.root)
    commitment_ts = answer.ops.add(OpAppend(b"\x01" * 8)).ops.add(OpSHA256())
    commitment_ts.attestations.add(PendingAttestation(LIAR))
    attach_calendar_answer(batch, answer)
    proof = write_proof(batch.proofs[0])
    stamp = store.add_imported(
        digest=b"\x05" * 32, hash_algo="sha256", proof=proof, state=StampState.SUBMITTED
    )

    lie = Timestamp(commitment_ts.msg)
    lie.attestations.add(BitcoinBlockHeaderAttestation(358391))
    ctx = BytesSerializationContext()
    lie.serialize(ctx)
    body = ctx.getbytes()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    upgrader = Upgrader(
        store,
        calendar_factory=lambda url: CalendarClient(url, transport=transport),
        whitelist=calendar_whitelist(()),
        headers=FixedHeaders(),
        channels=EventChannels(),
    )

    report = upgrader.run_once()

    assert report.requests == 1 and report.confirmed == []
    assert "358391" in report.errors[LIAR]
    kept = store.get(stamp.id)
    assert kept is not None and kept.state is StampState.SUBMITTED and kept.proof == proof
    assert {s.url: s.last_error for s in store.calendar_statuses()}[LIAR] == report.errors[LIAR]


def test_the_schedule_backs_off_and_a_trigger_starts_over() -> None:
    schedule = UpgradeSchedule(first_delay=10, max_delay=50)
    assert [schedule.after_run(False) for _ in range(4)] == [20, 40, 50, 50]
    assert schedule.after_run(True) == 10
    schedule.after_run(False)
    assert schedule.reset() == 10


def _new(i: int) -> NewStamp:
    return NewStamp(digest=bytes([i]) * 32, name=f"file{i}.txt", folder="/tmp")


def _drain(events: queue.Queue[Event]) -> list[Event]:
    drained = []
    while not events.empty():
        drained.append(events.get_nowait())
    return drained
