"""What a client is told when its POST /fossils body is not acceptable."""

from __future__ import annotations

import pytest
from amber.core.http import ApiError, ApiLimits
from amber.core.http.validation import parse_fossil_request

LIMITS = ApiLimits(min_data_hex=32, max_data_hex=64)


def test_accepts_hex_of_any_case_and_encodes_meta_as_utf8() -> None:
    fossil = parse_fossil_request(b'{"data": "' + b"aB" * 16 + b'", "meta": "caf\xc3\xa9"}', LIMITS)
    assert fossil.data == bytes.fromhex("ab" * 16)
    assert fossil.meta == "café".encode()


def test_meta_is_optional() -> None:
    assert parse_fossil_request(b'{"data": "' + b"00" * 32 + b'"}', LIMITS).meta == b""


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "request body is empty"),
        (b"{nope", "request body is not valid JSON"),
        (b"\xff\xfe", "request body is not UTF-8 text"),
        (b"[1, 2]", "request body must be a JSON object"),
        (b'{"meta": "x"}', "missing field: data"),
        (b'{"data": 1234}', "data must be a string of hex characters"),
        (b'{"data": "' + b"zz" * 16 + b'"}', "data is not hexadecimal"),
        (b'{"data": "abcd"}', "data is too short: 4 hex characters, at least 32"),
        (b'{"data": "' + b"ab" * 33 + b'"}', "data is too long: 66 hex characters, at most 64"),
        (b'{"data": "' + b"a" * 33 + b'"}', "data has an odd number of hex characters (33)"),
        (b'{"data": "' + b"ab" * 16 + b'", "meta": 7}', "meta must be a string"),
        (b'{"data": "' + b"ab" * 16 + b'", "meta": "\\ud800"}', "meta is not valid Unicode"),
        (
            b'{"data": "' + b"ab" * 16 + b'", "meta": "' + b"m" * 11_000 + b'"}',
            "meta is too long: 11000 characters, at most 10901",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_each_mistake_gets_its_own_message(body: bytes, message: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_fossil_request(body, LIMITS)
    assert caught.value.status == 400
    assert message in caught.value.message


@pytest.mark.parametrize(
    "limits",
    [
        {"min_data_hex": 0},
        {"min_data_hex": 66, "max_data_hex": 64},
        {"min_data_hex": 33},
        {"max_body_bytes": 10},
        {"ws_buffer": 0},
        {"ws_ping_interval": 0},
    ],
)
def test_unusable_limits_are_refused(limits: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        ApiLimits(**limits)  # type: ignore[arg-type]
