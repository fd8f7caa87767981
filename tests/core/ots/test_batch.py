"""Batches: one Merkle tree, one proof per leaf, leaves hidden by nonces."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable

import pytest
from amber.core.ots.batch import Batch, attach_calendar_answer, make_batch
from amber.core.ots.proofs import read_proof, write_proof
from amber.core.ots.walk import pending_attestations
from opentimestamps.core.notary import PendingAttestation
from opentimestamps.core.op import OpAppend, OpPrepend
from opentimestamps.core.timestamp import Timestamp


def _digests(n: int) -> list[bytes]:
    return [hashlib.sha256(f"file {i}".encode()).digest() for i in range(n)]


def _counting_nonces() -> Callable[[int], bytes]:
    counter = itertools.count()
    return lambda size: next(counter).to_bytes(size, "big")


def _calendar_answer(root: bytes, url: str) -> Timestamp:
    answer = Timestamp(root)
    tip = answer.ops.add(OpPrepend(b"\x00\x00\x00\x01")).ops.add(OpAppend(b"\xaa" * 8))
    tip.attestations.add(PendingAttestation(url))
    return answer


@pytest.mark.parametrize("n", [1, 2, 7])
def test_every_leaf_reaches_every_calendar(n: int) -> None:
    digests = _digests(n)
    batch = make_batch(digests)
    assert len(batch.proofs) == n
    attach_calendar_answer(batch, _calendar_answer(batch.root, "https://a.example"))
    attach_calendar_answer(batch, _calendar_answer(batch.root, "https://b.example"))
    commitments = None
    for digest, proof in zip(digests, batch.proofs, strict=True):
        data = write_proof(proof)
        reread = read_proof(data)  # what is written is what a leaf's owner gets
        assert reread.file_digest == digest
        pairs = sorted((u, c) for u, c, _n in pending_attestations(reread.timestamp))
        assert [u for u, _c in pairs] == ["https://a.example", "https://b.example"]
        commitments = commitments or pairs
        assert pairs == commitments  # one commitment per calendar, shared by the batch


def test_leaf_is_nonced_then_hashed() -> None:
    digest = _digests(1)[0]
    nonce = b"\x07" * 16
    batch = make_batch([digest], nonce_source=lambda size: nonce)
    assert batch.root == hashlib.sha256(digest + nonce).digest()


def test_proofs_do_not_reveal_their_batch_mates() -> None:
    digests = _digests(7)
    batch = make_batch(digests)
    attach_calendar_answer(batch, _calendar_answer(batch.root, "https://a.example"))
    for i, proof in enumerate(batch.proofs):
        data = write_proof(proof)
        for j, other in enumerate(digests):
            if i != j:
                assert other not in data


def test_nonces_come_from_the_nonce_source() -> None:
    a = make_batch(_digests(3), nonce_source=_counting_nonces())
    b = make_batch(_digests(3), nonce_source=_counting_nonces())
    assert a.root == b.root
    assert make_batch(_digests(3)).root != make_batch(_digests(3)).root


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        make_batch([])
    with pytest.raises(ValueError, match="32-byte"):
        make_batch([b"short"])
    with pytest.raises(ValueError, match="16 bytes"):
        make_batch(_digests(1), nonce_source=lambda size: b"\x00")
    batch = make_batch(_digests(2))
    with pytest.raises(ValueError, match="not for the batch root"):
        attach_calendar_answer(batch, _calendar_answer(b"\x00" * 32, "https://a.example"))


def test_a_batch_built_by_hand_is_merged_proof_by_proof() -> None:
    made = make_batch(_digests(3))
    by_hand = Batch(root=made.root, proofs=made.proofs)
    attach_calendar_answer(by_hand, _calendar_answer(made.root, "https://a.example"))
    for proof in made.proofs:
        assert [u for u, _c, _n in pending_attestations(proof.timestamp)] == ["https://a.example"]
