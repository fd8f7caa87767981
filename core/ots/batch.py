"""Batching digests into one Merkle tree, one proof per leaf, each leaf hidden by a nonce."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from opentimestamps.core.op import Op, OpAppend, OpSHA256
from opentimestamps.core.serialize import BytesSerializationContext
from opentimestamps.core.timestamp import DetachedTimestampFile, Timestamp, make_merkle_tree

from .walk import merge_upgrade

NONCE_BYTES = 16
LEAF_DIGEST_BYTES = 32  # leaves are SHA-256 file digests


@dataclass
class Batch:
    """A Merkle tree over nonced leaves. ``proofs[i]`` leads from ``digests[i]`` to ``root``.

    The proofs share the tree's nodes in memory, so a calendar answer attached at the root shows
    up in every proof at once. Serialize the proofs (``write_proof``) before changing one alone.
    """

    root: bytes
    proofs: list[DetachedTimestampFile]
    root_timestamp: Timestamp | None = field(default=None, repr=False)


def make_batch(
    digests: Sequence[bytes], *, nonce_source: Callable[[int], bytes] = os.urandom
) -> Batch:
    """Per leaf: append a fresh 16-byte nonce, SHA-256; then one Merkle tree over the leaves."""
    if not digests:
        raise ValueError("a batch needs at least one digest")
    files: list[DetachedTimestampFile] = []
    leaves: list[Timestamp] = []
    for index, digest in enumerate(digests):
        if not isinstance(digest, bytes) or len(digest) != LEAF_DIGEST_BYTES:
            raise ValueError(f"digest {index} is not a {LEAF_DIGEST_BYTES}-byte SHA-256 digest")
        nonce = nonce_source(NONCE_BYTES)
        if not isinstance(nonce, bytes) or len(nonce) != NONCE_BYTES:
            raise ValueError(f"the nonce source must return {NONCE_BYTES} bytes")
        leaf = Timestamp(digest)
        hidden = leaf.ops.add(OpAppend(nonce)).ops.add(OpSHA256())
        files.append(DetachedTimestampFile(OpSHA256(), leaf))
        leaves.append(hidden)
    root = make_merkle_tree(leaves)
    return Batch(root=root.msg, proofs=files, root_timestamp=root)


def attach_calendar_answer(batch: Batch, answer: Timestamp) -> None:
    """Merge a calendar's answer for the root into the tree, hence into every proof."""
    if answer.msg != batch.root:
        raise ValueError(
            f"the calendar answer is for {answer.msg.hex()}, not for the batch root "
            f"{batch.root.hex()}"
        )
    if batch.root_timestamp is not None:
        batch.root_timestamp.merge(answer)
        return
    for proof in batch.proofs:  # a Batch built by hand: find the root in each proof
        if merge_upgrade(proof.timestamp, batch.root, answer) == 0:
            raise ValueError(
                f"the batch root is missing from the proof of {proof.file_digest.hex()}"
            )


def leaf_prefixes(batch: Batch) -> list[bytes] | None:
    """Each leaf proof's serialization up to the batch root (header, digest and ops), in order.

    Written directly rather than by serializing every whole proof and cutting off the shared
    part, and each tree node's ops are serialized once for all the leaves below it. None when a
    node on the way has more than one op or any attestation (not a chain ``make_batch`` built).
    """
    to_root: dict[int, bytes] = {}  # id(node) -> its ops serialized, from the node to the root
    prefixes: list[bytes] = []
    for proof in batch.proofs:
        chain: list[tuple[Timestamp, bytes]] = []
        node = proof.timestamp
        while node.msg != batch.root and id(node) not in to_root:
            if len(node.ops) != 1 or node.attestations:
                return None
            ((op, child),) = node.ops.items()
            chain.append((node, _serialized(op)))
            node = child
        tail = to_root.get(id(node), b"")
        for walked, op_bytes in reversed(chain):
            tail = op_bytes + tail
            to_root[id(walked)] = tail
        prefixes.append(_proof_header(proof) + tail)
    return prefixes


def _serialized(op: Op) -> bytes:
    ctx = BytesSerializationContext()
    op.serialize(ctx)
    return bytes(ctx.getbytes())


def _proof_header(proof: DetachedTimestampFile) -> bytes:
    ctx = BytesSerializationContext()
    ctx.write_bytes(DetachedTimestampFile.HEADER_MAGIC)
    ctx.write_varuint(DetachedTimestampFile.MAJOR_VERSION)
    proof.file_hash_op.serialize(ctx)
    ctx.write_bytes(proof.timestamp.msg)
    return bytes(ctx.getbytes())
