"""A proof claiming thousands of Bitcoin blocks cannot keep `amber verify` busy for minutes."""

from __future__ import annotations

from amber.core.verify import VerdictKind, verify
from amber.core.verify.verdict import MAX_CLAIMS_CHECKED

from tests.vectors import block_header_358391, proof_bytes

from .fakes import DictHeaderSource

MAGIC = b"\x00OpenTimestamps\x00\x00Proof\x00\xbf\x89\xe2\xe8\x84\xe8\x92\x94"
BITCOIN_TAG = bytes.fromhex("0588960d73d71901")


def varuint(value: int) -> bytes:
    out = bytearray()
    while True:
        out.append((value & 0x7F) | (0x80 if value > 0x7F else 0))
        value >>= 7
        if not value:
            return bytes(out)


def claiming(count: int) -> bytes:
    """A proof for the zero digest with ``count`` Bitcoin attestations at different heights."""

    def bitcoin(height: int) -> bytes:
        payload = varuint(height)
        return b"\x00" + BITCOIN_TAG + varuint(len(payload)) + payload

    forks = b"".join(b"\xff" + bitcoin(1000 + i) for i in range(count - 1))
    return MAGIC + b"\x01\x08" + bytes(32) + forks + bitcoin(1000 + count - 1)


def test_only_the_first_claims_are_looked_up_and_the_rest_are_named() -> None:
    source = DictHeaderSource({})
    verdict = verify(claiming(5000), digest=bytes(32), headers=source)
    assert len(source.asked) == MAX_CLAIMS_CHECKED
    assert verdict.kind is VerdictKind.UNCHECKED
    assert f"{5000 - MAX_CLAIMS_CHECKED} more Bitcoin claims were not checked" in verdict.reason
    assert len(verdict.reason) < 5000


def test_a_real_proof_with_few_claims_is_judged_as_before() -> None:
    source = DictHeaderSource({358391: block_header_358391()})
    verdict = verify(proof_bytes("hello-world.txt.ots"), headers=source)
    assert verdict.kind is VerdictKind.ATTESTED
    assert source.asked == [358391]
