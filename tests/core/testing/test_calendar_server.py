"""The local calendar speaks the real calendar API and misbehaves on demand."""

from __future__ import annotations

import hashlib
import random
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from amber.core.testing.calendar_server import LocalCalendar
from amber.core.testing.regtest import RegtestNode
from opentimestamps.core.notary import BitcoinBlockHeaderAttestation, PendingAttestation
from opentimestamps.core.op import OpAppend, OpPrepend, OpSHA256
from opentimestamps.core.serialize import BytesDeserializationContext, DeserializationError
from opentimestamps.core.timestamp import Timestamp

NOW = 1_700_000_000
DIGEST = hashlib.sha256(b"hello amber").digest()


# One client for the module: creating an httpx client (its SSL context) costs ~50 ms.
HTTP = httpx.Client(timeout=5.0)


@pytest.fixture(autouse=True, scope="module")
def _close_http_client() -> Iterator[None]:
    yield
    HTTP.close()


def fixed_nonce(n: int) -> bytes:
    return b"\x5a" * n


@pytest.fixture
def calendar() -> Iterator[LocalCalendar]:
    with LocalCalendar(clock=lambda: NOW, nonce_source=fixed_nonce, secret=b"s" * 32) as cal:
        yield cal


def post_digest(url: str, digest: bytes, **kwargs: object) -> httpx.Response:
    return HTTP.post(f"{url}/digest", content=digest, **kwargs)  # type: ignore[arg-type]


def parse(body: bytes, msg: bytes) -> Timestamp:
    ctx = BytesDeserializationContext(body)
    timestamp = Timestamp.deserialize(ctx, msg)
    ctx.assert_eof()
    return timestamp


def pending_commitments(timestamp: Timestamp) -> list[tuple[bytes, str]]:
    return [
        (msg, att.uri)
        for msg, att in timestamp.all_attestations()
        if isinstance(att, PendingAttestation)
    ]


def test_submit_answers_the_ops_real_calendars_use(calendar: LocalCalendar) -> None:
    response = post_digest(calendar.url, DIGEST)

    assert response.status_code == 200
    timestamp = parse(response.content, DIGEST)
    [(op1, step1)] = timestamp.ops.items()
    [(op2, step2)] = step1.ops.items()
    [(op3, step3)] = step2.ops.items()
    [(op4, step4)] = step3.ops.items()
    assert op1 == OpAppend(b"\x5a" * 16)
    assert op2 == OpSHA256()
    assert op3 == OpPrepend(NOW.to_bytes(4, "big"))
    assert isinstance(op4, OpAppend) and len(op4[0]) == 8
    assert list(step4.attestations) == [PendingAttestation(calendar.url)]
    assert len(step4.msg) == 44
    assert calendar.pending == [step4.msg]
    assert calendar.submitted == [DIGEST]
    assert calendar.requests["digest"] == 1


def test_bare_calendar_commitment_is_time_digest_mac() -> None:
    with LocalCalendar(aggregate=False, clock=lambda: NOW) as calendar:
        response = post_digest(calendar.url, DIGEST)
    [(commitment, uri)] = pending_commitments(parse(response.content, DIGEST))
    assert uri == calendar.url
    assert commitment[:4] == NOW.to_bytes(4, "big")
    assert commitment[4:36] == DIGEST
    assert len(commitment) == 44


@pytest.mark.parametrize("size", [0, 65, 1000])
def test_digest_of_wrong_size_is_refused(calendar: LocalCalendar, size: int) -> None:
    assert post_digest(calendar.url, b"x" * size).status_code == 400
    assert calendar.submitted == []


def test_digest_of_64_bytes_is_accepted(calendar: LocalCalendar) -> None:
    digest = b"d" * 64
    response = post_digest(calendar.url, digest)
    assert response.status_code == 200
    assert len(pending_commitments(parse(response.content, digest))) == 1


def test_timestamp_is_404_while_pending_and_for_unknown_commitments(
    calendar: LocalCalendar,
) -> None:
    [(commitment, _)] = pending_commitments(
        parse(post_digest(calendar.url, DIGEST).content, DIGEST)
    )

    pending = HTTP.get(f"{calendar.url}/timestamp/{commitment.hex()}", timeout=5.0)
    unknown = HTTP.get(f"{calendar.url}/timestamp/{'00' * 44}", timeout=5.0)
    not_hex = HTTP.get(f"{calendar.url}/timestamp/zz", timeout=5.0)

    assert pending.status_code == 404
    assert b"Pending" in pending.content
    assert unknown.status_code == 404
    assert not_hex.status_code == 400
    assert calendar.requests["timestamp"] == 3


def test_anchor_without_pending_commitments_is_an_error(calendar: LocalCalendar) -> None:
    with pytest.raises(ValueError, match="no pending"):
        calendar.anchor(None)  # type: ignore[arg-type]


def test_anchored_commitments_upgrade_to_the_regtest_block(
    calendar: LocalCalendar, regtest_node: RegtestNode
) -> None:
    digests = [hashlib.sha256(bytes([i])).digest() for i in range(3)]
    commitments = []
    for digest in digests:
        [(c, _)] = pending_commitments(parse(post_digest(calendar.url, digest).content, digest))
        commitments.append(c)

    height = calendar.anchor(regtest_node)

    assert calendar.pending == []
    header = regtest_node.rpc("getblockheader", regtest_node.rpc("getblockhash", height))
    merkle_root = bytes.fromhex(header["merkleroot"])[::-1]
    for commitment in commitments:
        response = HTTP.get(f"{calendar.url}/timestamp/{commitment.hex()}", timeout=5.0)
        assert response.status_code == 200
        [(msg, attestation)] = parse(response.content, commitment).all_attestations()
        assert attestation == BitcoinBlockHeaderAttestation(height)
        assert msg == merkle_root


def test_a_later_submission_waits_for_the_next_anchor(
    calendar: LocalCalendar, regtest_node: RegtestNode
) -> None:
    post_digest(calendar.url, DIGEST)
    calendar.anchor(regtest_node)
    other = hashlib.sha256(b"later").digest()
    [(commitment, _)] = pending_commitments(parse(post_digest(calendar.url, other).content, other))

    assert HTTP.get(f"{calendar.url}/timestamp/{commitment.hex()}").status_code == 404
    calendar.anchor(regtest_node)
    assert HTTP.get(f"{calendar.url}/timestamp/{commitment.hex()}").status_code == 200


# -- misbehaviour ---------------------------------------------------------------------------


def test_unknown_behaviour_is_refused(calendar: LocalCalendar) -> None:
    with pytest.raises(ValueError, match="unknown behaviour"):
        calendar.behaviour = "sulky"


def test_down_answers_500(calendar: LocalCalendar) -> None:
    calendar.behaviour = "down"
    assert post_digest(calendar.url, DIGEST).status_code == 500
    assert HTTP.get(f"{calendar.url}/timestamp/{'00' * 44}").status_code == 500
    assert calendar.submitted == []


def test_garbage_answers_200_with_bytes_that_are_no_timestamp(calendar: LocalCalendar) -> None:
    calendar.behaviour = "garbage"
    for _ in range(5):
        response = post_digest(calendar.url, DIGEST)
        assert response.status_code == 200
        with pytest.raises((DeserializationError, ValueError, TypeError)):
            parse(response.content, DIGEST)


def test_oversized_answers_several_megabytes(calendar: LocalCalendar) -> None:
    calendar.behaviour = "oversized"
    response = post_digest(calendar.url, DIGEST)
    assert response.status_code == 200
    assert int(response.headers["content-length"]) >= 4 * 1024 * 1024
    assert len(response.content) >= 4 * 1024 * 1024


def test_wrong_commitment_parses_but_never_upgrades(
    calendar: LocalCalendar, regtest_node: RegtestNode
) -> None:
    calendar.behaviour = "wrong_commitment"
    [(claimed, uri)] = pending_commitments(parse(post_digest(calendar.url, DIGEST).content, DIGEST))

    assert uri == calendar.url
    assert claimed not in calendar.pending  # not what the calendar recorded
    calendar.behaviour = "ok"
    calendar.anchor(regtest_node)
    assert HTTP.get(f"{calendar.url}/timestamp/{claimed.hex()}").status_code == 404


def test_wrong_commitment_upgrade_leads_away_from_the_block(
    calendar: LocalCalendar, regtest_node: RegtestNode
) -> None:
    [(commitment, _)] = pending_commitments(
        parse(post_digest(calendar.url, DIGEST).content, DIGEST)
    )
    height = calendar.anchor(regtest_node)
    calendar.behaviour = "wrong_commitment"

    response = HTTP.get(f"{calendar.url}/timestamp/{commitment.hex()}")

    assert response.status_code == 200
    [(msg, attestation)] = parse(response.content, commitment).all_attestations()
    assert attestation == BitcoinBlockHeaderAttestation(height)
    header = regtest_node.rpc("getblockheader", regtest_node.rpc("getblockhash", height))
    assert msg != bytes.fromhex(header["merkleroot"])[::-1]


def test_redirect_points_elsewhere_and_the_target_answers(calendar: LocalCalendar) -> None:
    calendar.behaviour = "redirect"

    refused = post_digest(calendar.url, DIGEST)
    followed = post_digest(calendar.url, DIGEST, follow_redirects=True)

    assert refused.status_code == 302
    assert refused.headers["location"] == f"{calendar.url}/moved/digest"
    # A client following it (httpx turns the POST into a GET) reaches the /moved/ target.
    assert followed.history[0].status_code == 302
    assert calendar.requests["moved"] == 1
    assert HTTP.post(f"{calendar.url}/moved/digest", content=DIGEST).status_code == 200


def test_slow_trickles_the_answer(calendar: LocalCalendar) -> None:
    calendar.behaviour = "slow"
    calendar.slow_interval = 0.002
    started = time.monotonic()

    response = post_digest(calendar.url, DIGEST)

    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert elapsed >= 0.002 * len(response.content)
    assert pending_commitments(parse(response.content, DIGEST))


def test_slow_times_out_a_client_with_a_short_read_timeout(calendar: LocalCalendar) -> None:
    calendar.behaviour = "slow"
    calendar.slow_interval = 0.5
    with pytest.raises(httpx.ReadTimeout):
        HTTP.post(f"{calendar.url}/digest", content=DIGEST, timeout=httpx.Timeout(5.0, read=0.1))


def test_stop_interrupts_a_slow_answer_promptly() -> None:
    calendar = LocalCalendar(behaviour="slow", slow_interval=30.0).start()
    errors: list[BaseException] = []

    def client() -> None:
        try:
            post_digest(calendar.url, DIGEST)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=client)
    thread.start()
    deadline = time.monotonic() + 5
    while calendar.requests["digest"] == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    calendar.stop()
    thread.join(timeout=5)

    assert time.monotonic() - started < 2.0
    assert not thread.is_alive()
    assert errors and isinstance(errors[0], httpx.HTTPError)


def test_drop_some_closes_a_fraction_of_connections() -> None:
    with LocalCalendar(behaviour="drop_some", drop_fraction=0.5, rng=random.Random(7)) as cal:
        outcomes = []
        for _ in range(20):
            try:
                outcomes.append(post_digest(cal.url, DIGEST).status_code)
            except httpx.RemoteProtocolError:
                outcomes.append("dropped")
    assert outcomes.count("dropped") > 0
    assert outcomes.count(200) > 0
    assert set(outcomes) == {200, "dropped"}
    assert len(cal.submitted) == outcomes.count(200)


def test_drop_all_and_drop_none() -> None:
    with LocalCalendar(behaviour="drop_some", drop_fraction=1.0) as cal:
        with pytest.raises(httpx.RemoteProtocolError):
            post_digest(cal.url, DIGEST)
        cal.drop_fraction = 0.0
        assert post_digest(cal.url, DIGEST).status_code == 200


def test_concurrent_submissions_are_all_recorded(calendar: LocalCalendar) -> None:
    digests = [hashlib.sha256(str(i).encode()).digest() for i in range(24)]
    threads = [threading.Thread(target=post_digest, args=(calendar.url, d)) for d in digests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert sorted(calendar.submitted) == sorted(digests)
    assert len(calendar.pending) == 24
    assert calendar.requests["digest"] == 24


def test_local_calendar_fixture_is_fresh_and_ok(local_calendar: LocalCalendar) -> None:
    assert local_calendar.behaviour == "ok"
    assert local_calendar.submitted == []
    assert HTTP.get(local_calendar.url + "/").status_code == 200
