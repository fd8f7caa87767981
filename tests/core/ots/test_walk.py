"""Walking proofs: pending calendars, Bitcoin claims, other attestations, merging upgrades."""

from __future__ import annotations

import pytest
from amber.core.ots.proofs import read_proof, write_proof
from amber.core.ots.walk import (
    bitcoin_attestations,
    merge_upgrade,
    other_attestations,
    pending_attestations,
)
from opentimestamps.core.notary import BitcoinBlockHeaderAttestation, PendingAttestation
from opentimestamps.core.op import OpAppend, OpPrepend, OpSHA256
from opentimestamps.core.timestamp import Timestamp

from tests.vectors import proof_bytes

ALICE = "https://alice.btc.calendar.opentimestamps.org"
BOB = "https://bob.btc.calendar.opentimestamps.org"


def _ts(name: str) -> Timestamp:
    return read_proof(proof_bytes(name)).timestamp


def test_pending_calendars_of_the_pending_vectors() -> None:
    assert [url for url, _c, _t in pending_attestations(_ts("incomplete.txt.ots"))] == [ALICE]
    assert sorted(u for u, _c, _t in pending_attestations(_ts("two-calendars.txt.ots"))) == [
        ALICE,
        BOB,
    ]
    assert [u for u, _c, _t in pending_attestations(_ts("known-and-unknown-notary.txt.ots"))] == [
        BOB
    ]


def test_pending_commitments_are_calendar_sized_and_held_by_their_node() -> None:
    for url, commitment, node in pending_attestations(_ts("two-calendars.txt.ots")):
        assert len(commitment) == 44  # 4-byte time, 32-byte digest, 8-byte MAC
        assert node.msg == commitment
        assert PendingAttestation(url) in node.attestations


def test_merkle_vectors_share_their_calendar_commitments() -> None:
    pairs = [
        sorted((url, c) for url, c, _t in pending_attestations(_ts(f"merkle{i}.txt.ots")))
        for i in (1, 2, 3)
    ]
    assert pairs[0] == pairs[1] == pairs[2]
    assert [url for url, _c in pairs[0]] == [ALICE, BOB]


def test_bitcoin_attestations_in_internal_order() -> None:
    ((height, root),) = bitcoin_attestations(_ts("hello-world.txt.ots"))
    assert height == 358391
    assert root[::-1].hex() == "8a1b66ecb7cbd07d8139a7e7d7f2c41aab1f5009b8364aaf61d03ad245e47e00"
    ((height, root),) = bitcoin_attestations(_ts("empty.ots"))
    assert height == 129405
    assert root[::-1].hex() == "db29fdc2c27a1531ae08a9dff2d9e4dfedd9c902d16de542d8666a27367e5b71"


def test_different_blockchains_reports_every_kind() -> None:
    ts = _ts("different-blockchains.txt.ots")
    assert [h for h, _r in bitcoin_attestations(ts)] == [455605]
    others = other_attestations(ts)
    assert [(o.kind, o.height) for o in others] == [("ethereum", 3283713)]
    assert others[0].describe() == "Ethereum block 3283713 (not trusted)"
    assert len(pending_attestations(ts)) == 2


def test_unknown_attestations_are_reported() -> None:
    (unknown,) = other_attestations(_ts("unknown-notary.txt.ots"))
    assert unknown.kind == "unknown"
    assert unknown.tag.hex() == "0102030405060708"
    assert "0102030405060708" in unknown.describe()
    assert pending_attestations(_ts("unknown-notary.txt.ots")) == []


def _upgrade_for(commitment: bytes, height: int) -> Timestamp:
    upgraded = Timestamp(commitment)
    tip = upgraded.ops.add(OpSHA256()).ops.add(OpPrepend(b"\x01" * 32)).ops.add(OpSHA256())
    tip.attestations.add(BitcoinBlockHeaderAttestation(height))
    return upgraded


def test_merge_upgrade_adds_the_bitcoin_path_and_keeps_everything_else() -> None:
    proof = read_proof(proof_bytes("two-calendars.txt.ots"))
    url, commitment, _node = pending_attestations(proof.timestamp)[0]
    assert merge_upgrade(proof.timestamp, commitment, _upgrade_for(commitment, 700_000)) == 1
    assert [h for h, _r in bitcoin_attestations(proof.timestamp)] == [700_000]
    assert len(pending_attestations(proof.timestamp)) == 2  # the pending ones are kept
    before = write_proof(proof)
    assert merge_upgrade(proof.timestamp, commitment, _upgrade_for(commitment, 700_000)) == 1
    assert write_proof(proof) == before  # idempotent
    assert read_proof(before) == proof  # and it still serializes to a readable proof
    assert url in (ALICE, BOB)


def test_merge_upgrade_reaches_every_matching_node_and_ignores_unknown_commitments() -> None:
    msg = b"\x05" * 16
    ts = Timestamp(msg)
    # two different paths to the same message msg||msg: append msg, and prepend msg
    for op in (OpAppend(msg), OpPrepend(msg)):
        ts.ops.add(op).attestations.add(PendingAttestation("https://c.example"))
    assert merge_upgrade(ts, b"\x09" * 44, _upgrade_for(b"\x09" * 44, 1)) == 0
    assert bitcoin_attestations(ts) == []
    shared = msg + msg
    assert merge_upgrade(ts, shared, _upgrade_for(shared, 2)) == 2
    assert [h for h, _r in bitcoin_attestations(ts)] == [2, 2]


def test_merge_upgrade_refuses_an_upgrade_for_another_commitment() -> None:
    ts = _ts("incomplete.txt.ots")
    _url, commitment, _node = pending_attestations(ts)[0]
    with pytest.raises(ValueError, match="not for commitment"):
        merge_upgrade(ts, commitment, _upgrade_for(b"\x00" * 44, 1))
