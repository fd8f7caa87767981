"""Walking a timestamp tree: where it is pending, where it is anchored, and merging upgrades.

All walks are iterative (a hostile proof may be deep) and visit the tree in serialization order,
so their results are deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from opentimestamps.core.dubious.notary import EthereumBlockHeaderAttestation
from opentimestamps.core.notary import (
    BitcoinBlockHeaderAttestation,
    LitecoinBlockHeaderAttestation,
    PendingAttestation,
    TimeAttestation,
    UnknownAttestation,
)
from opentimestamps.core.timestamp import Timestamp


def iter_nodes(ts: Timestamp) -> Iterator[Timestamp]:
    """Every sub-timestamp of ``ts`` (``ts`` first), depth first, in serialization order."""
    stack = [ts]
    while stack:
        node = stack.pop()
        yield node
        ops = node.ops
        if len(ops) <= 1:  # most nodes (every Merkle path step) have one op: nothing to sort
            stack.extend(ops.values())
            continue
        children = [child for _op, child in sorted(ops.items(), key=lambda item: item[0])]
        stack.extend(reversed(children))


def _attestations(ts: Timestamp) -> Iterator[tuple[Timestamp, TimeAttestation]]:
    for node in iter_nodes(ts):
        for attestation in sorted(node.attestations):
            yield node, attestation


def pending_attestations(ts: Timestamp) -> list[tuple[str, bytes, Timestamp]]:
    """(calendar URL, commitment, the sub-timestamp holding it) for each pending attestation.

    The commitment is what the calendar knows: ask ``GET <url>/timestamp/<commitment hex>``.
    """
    return [
        (attestation.uri, node.msg, node)
        for node, attestation in _attestations(ts)
        if isinstance(attestation, PendingAttestation)
    ]


def bitcoin_attestations(ts: Timestamp) -> list[tuple[int, bytes]]:
    """(block height, merkle root in internal byte order) for each Bitcoin attestation."""
    return [
        (int(attestation.height), node.msg)
        for node, attestation in _attestations(ts)
        if isinstance(attestation, BitcoinBlockHeaderAttestation)
    ]


@dataclass(frozen=True)
class OtherAttestation:
    """An attestation Amber reports but does not trust: another chain, or an unknown kind."""

    kind: str  # "litecoin" | "ethereum" | "unknown"
    msg: bytes
    height: int | None = None
    tag: bytes = b""
    payload: bytes = b""

    def describe(self) -> str:
        if self.kind == "unknown":
            return f"unknown attestation (tag {self.tag.hex()}), kept unchanged"
        return f"{self.kind.capitalize()} block {self.height} (not trusted)"


def other_attestations(ts: Timestamp) -> list[OtherAttestation]:
    """Attestations that are neither pending nor Bitcoin: other chains and unknown tags."""
    found: list[OtherAttestation] = []
    for node, attestation in _attestations(ts):
        if isinstance(attestation, LitecoinBlockHeaderAttestation):
            found.append(OtherAttestation("litecoin", node.msg, int(attestation.height)))
        elif isinstance(attestation, EthereumBlockHeaderAttestation):
            found.append(OtherAttestation("ethereum", node.msg, int(attestation.height)))
        elif isinstance(attestation, UnknownAttestation):
            found.append(
                OtherAttestation(
                    "unknown", node.msg, tag=attestation.TAG, payload=attestation.payload
                )
            )
    return found


def merge_upgrade(ts: Timestamp, commitment: bytes, upgraded: Timestamp) -> int:
    """Merge ``upgraded`` into every sub-timestamp of ``ts`` whose message is ``commitment``.

    Returns how many sub-timestamps matched (0: the commitment is not in this tree). Merging is
    additive and idempotent: existing operations and attestations are kept, including the
    pending attestation that led to the upgrade.
    """
    if upgraded.msg != commitment:
        raise ValueError(
            f"the upgrade is for {upgraded.msg.hex()}, not for commitment {commitment.hex()}"
        )
    matches = [node for node in iter_nodes(ts) if node.msg == commitment]
    for node in matches:
        node.merge(upgraded)
    return len(matches)
