"""The calendar client against calendars that behave, and calendars that misbehave every way."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterator

import httpx
import pytest
from amber.core.ots.calendar import (
    DEFAULT_AGGREGATORS,
    DEFAULT_CALENDAR_WHITELIST,
    CalendarClient,
    CalendarError,
    url_allowed,
)
from amber.core.ots.walk import bitcoin_attestations, pending_attestations
from opentimestamps.calendar import DEFAULT_AGGREGATORS as REFERENCE_AGGREGATORS
from opentimestamps.calendar import DEFAULT_CALENDAR_WHITELIST as REFERENCE_WHITELIST
from opentimestamps.core.notary import (
    BitcoinBlockHeaderAttestation,
    PendingAttestation,
    UnknownAttestation,
)
from opentimestamps.core.op import OpAppend, OpPrepend, OpSHA256
from opentimestamps.core.serialize import BytesSerializationContext
from opentimestamps.core.timestamp import Timestamp

URL = "https://cal.example"
DIGEST = hashlib.sha256(b"amber").digest()


def _serialize(ts: Timestamp) -> bytes:
    ctx = BytesSerializationContext()
    ts.serialize(ctx)
    return bytes(ctx.getbytes())


def calendar_answer(digest: bytes, *, aggregate: bool = False, url: str = URL) -> Timestamp:
    """What a real calendar returns: prepend the time, append a MAC, pending."""
    ts = Timestamp(digest)
    tip = ts
    if aggregate:
        tip = tip.ops.add(OpAppend(b"\x42" * 32)).ops.add(OpSHA256())
    tip = tip.ops.add(OpPrepend(b"\x65\x00\x00\x00")).ops.add(OpAppend(b"\x99" * 8))
    tip.attestations.add(PendingAttestation(url))
    return ts


def client(handler: Callable[[httpx.Request], httpx.Response], **kwargs: object) -> CalendarClient:
    return CalendarClient(URL, transport=httpx.MockTransport(handler), **kwargs)  # type: ignore[arg-type]


def test_defaults_are_the_reference_clients() -> None:
    assert tuple(REFERENCE_AGGREGATORS) == DEFAULT_AGGREGATORS
    assert {p.geturl() for p in REFERENCE_WHITELIST} == set(DEFAULT_CALENDAR_WHITELIST)


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://alice.btc.calendar.opentimestamps.org", True),
        ("https://finney.calendar.eternitywall.com", True),
        ("https://btc.calendar.catallaxy.com", True),
        ("http://alice.btc.calendar.opentimestamps.org", False),
        ("https://alice.btc.calendar.opentimestamps.org/x", False),
        ("https://alice.btc.calendar.opentimestamps.org?x=1", False),
        ("https://evil.example", False),
        ("https://calendar.opentimestamps.org.evil.example", False),
    ],
)
def test_whitelist_matching(url: str, allowed: bool) -> None:
    assert url_allowed(url) is allowed


def test_whitelist_pattern_without_scheme_allows_both() -> None:
    assert url_allowed("http://127.0.0.1:8000", {"127.0.0.1:8000"})
    assert url_allowed("https://127.0.0.1:8000", {"127.0.0.1:8000"})


def test_submit_sends_the_raw_digest_with_the_right_headers() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=_serialize(calendar_answer(request.content)))

    answer = client(handler).submit(DIGEST)
    (request,) = seen
    assert request.method == "POST"
    assert str(request.url) == f"{URL}/digest"
    assert request.content == DIGEST
    assert request.headers["accept"] == "application/vnd.opentimestamps.v1"
    assert "Amber" in request.headers["user-agent"]
    assert answer.msg == DIGEST
    ((url, commitment, _node),) = pending_attestations(answer)
    assert url == URL and DIGEST in commitment and len(commitment) == 44


def test_submit_to_an_aggregator() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=_serialize(calendar_answer(DIGEST, aggregate=True)))

    assert len(pending_attestations(client(handler).submit(DIGEST))) == 1


def test_get_timestamp_pending_then_upgraded() -> None:
    commitment = b"\x01" * 44
    upgraded = Timestamp(commitment)
    upgraded.ops.add(OpSHA256()).attestations.add(BitcoinBlockHeaderAttestation(800_000))
    answers = iter([httpx.Response(404, text="Pending confirmation in Bitcoin blockchain")])

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.method == "GET"
        assert request.url.path == f"/timestamp/{commitment.hex()}"
        return next(answers, httpx.Response(200, content=_serialize(upgraded)))

    cal = client(handler)
    assert cal.get_timestamp(commitment) is None
    got = cal.get_timestamp(commitment)
    assert got is not None and got.msg == commitment
    assert [h for h, _r in bitcoin_attestations(got)] == [800_000]


def _reason(cal: CalendarClient, call: str = "submit") -> CalendarError:
    with pytest.raises(CalendarError) as caught:
        if call == "submit":
            cal.submit(DIGEST)
        else:
            cal.get_timestamp(b"\x01" * 44)
    assert caught.value.url == URL
    return caught.value


def test_garbage() -> None:
    error = _reason(client(lambda r: httpx.Response(200, content=b"\x13\x37 garbage")))
    assert error.kind == "garbage"
    assert "not a valid timestamp" in error.reason


def test_compressed_body_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"x", headers={"Content-Encoding": "gzip"})

    error = _reason(client(handler))
    assert error.kind == "garbage" and "gzip" in error.reason


def test_empty_body() -> None:
    error = _reason(client(lambda r: httpx.Response(200, content=b"")))
    assert error.kind == "garbage" and "empty" in error.reason


def test_wrong_commitment() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        # a well-formed answer whose pending attestation sits on sha256(commitment)
        ts = Timestamp(request.content)
        tip = ts.ops.add(OpPrepend(b"\x65\x00\x00\x00")).ops.add(OpAppend(b"\x99" * 8))
        tip.ops.add(OpSHA256()).attestations.add(PendingAttestation(URL))
        return httpx.Response(200, content=_serialize(ts))

    error = _reason(client(handler))
    assert error.kind == "wrong_commitment"
    assert "does not wrap the digest we sent" in error.reason


def test_answer_with_no_pending_attestation() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        ts = Timestamp(request.content)
        ts.ops.add(OpAppend(b"\x01")).attestations.add(UnknownAttestation(b"\x01" * 8, b""))
        return httpx.Response(200, content=_serialize(ts))

    assert _reason(client(handler)).kind == "no_pending"


def test_fresh_submission_claiming_a_bitcoin_block() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        ts = calendar_answer(request.content)
        ts.ops.add(OpSHA256()).attestations.add(BitcoinBlockHeaderAttestation(1))
        return httpx.Response(200, content=_serialize(ts))

    error = _reason(client(handler))
    assert error.kind == "bitcoin_claim" and "block 1" in error.reason


def test_upgrade_with_a_bitcoin_claim_on_a_wrong_sized_message() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        ts = Timestamp(b"\x01" * 44)
        ts.attestations.add(BitcoinBlockHeaderAttestation(5))
        return httpx.Response(200, content=_serialize(ts))

    assert _reason(client(handler), "get").kind == "bad_attestation"


@pytest.mark.parametrize("declare_length", [True, False])
def test_oversized(declare_length: bool) -> None:
    big = _serialize(calendar_answer(DIGEST)) + b"\x00" * 20_000

    def handler(request: httpx.Request) -> httpx.Response:
        if declare_length:
            return httpx.Response(200, content=big)
        return httpx.Response(
            200, content=iter([big[i : i + 1000] for i in range(0, len(big), 1000)])
        )

    error = _reason(client(handler))
    assert error.kind == "oversized" and "larger than 10000 bytes" in error.reason


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirect_is_refused(status: int) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(status, headers={"Location": "https://elsewhere.example/digest"})

    error = _reason(client(handler))
    assert error.kind == "redirect" and "elsewhere.example" in error.reason
    assert len(seen) == 1  # never followed


def test_non_200_status_is_reported_with_a_sanitised_snippet() -> None:
    error = _reason(client(lambda r: httpx.Response(503, text="Overloaded\n<script>x")))
    assert error.kind == "http_status"
    assert "HTTP 503" in error.reason and "Overloaded" in error.reason
    assert "\n" not in error.reason and "<" not in error.reason
    assert _reason(client(lambda r: httpx.Response(404)), "submit").kind == "http_status"
    assert _reason(client(lambda r: httpx.Response(500)), "get").kind == "http_status"


def test_slow_answer_times_out() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    error = _reason(client(handler, timeout=2.5))
    assert error.kind == "timeout" and "did not answer within 2.5 s" in error.reason


def test_answer_dripping_past_the_total_deadline() -> None:
    ticks = itertools.count(0, 4.0)  # every look at the clock is 4 s later

    def handler(request: httpx.Request) -> httpx.Response:
        body = _serialize(calendar_answer(request.content))

        def drip() -> Iterator[bytes]:
            for byte in body:
                yield bytes([byte])

        return httpx.Response(200, content=drip())

    cal = client(handler, clock=lambda: next(ticks), timeout=10.0)
    error = _reason(cal)
    assert error.kind == "timeout" and "longer than 10 s" in error.reason


def test_connect_timeout() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    error = _reason(client(handler))
    assert error.kind == "timeout" and "could not connect within" in error.reason


def test_refused_connection() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    error = _reason(client(handler))
    assert error.kind == "unreachable" and "Connection refused" in error.reason


def test_dropped_connection() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("Server disconnected", request=request)

    assert _reason(client(handler)).kind == "network"


def test_reasons_are_distinct() -> None:
    assert str(CalendarError(URL, "x", "garbage")) == f"calendar {URL}: x"


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        CalendarClient("ftp://x")
    cal = client(lambda r: httpx.Response(200))
    with pytest.raises(ValueError):
        cal.submit(b"")
    with pytest.raises(ValueError):
        cal.get_timestamp(b"")
