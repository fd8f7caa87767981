from __future__ import annotations

import pytest
from amber.core.storage import Database, HeaderStore


def test_headers_are_cached_per_chain_and_height(db: Database) -> None:
    headers = HeaderStore(db)
    assert headers.get("bitcoin", 1) is None
    headers.put("bitcoin", 1, b"\x01" * 80)
    headers.put("regtest", 1, b"\x02" * 80)
    assert headers.get("bitcoin", 1) == b"\x01" * 80
    assert headers.get("regtest", 1) == b"\x02" * 80
    headers.put("bitcoin", 1, b"\x03" * 80)  # after a reorganisation
    assert headers.get("bitcoin", 1) == b"\x03" * 80


@pytest.mark.parametrize(
    ("chain", "height", "raw", "reason"),
    [
        ("bitcoin", 1, b"\x00" * 79, "80 bytes"),
        ("bitcoin", -1, b"\x00" * 80, "height"),
        ("", 1, b"\x00" * 80, "chain name"),
    ],
)
def test_bad_headers_are_refused(
    db: Database, chain: str, height: int, raw: bytes, reason: str
) -> None:
    with pytest.raises(ValueError, match=reason):
        HeaderStore(db).put(chain, height, raw)
