"""The calendar client against the real-HTTP LocalCalendar on loopback, in each behaviour."""

from __future__ import annotations

import hashlib
import random

import pytest
from amber.core.ots.calendar import CalendarClient, CalendarError
from amber.core.ots.walk import pending_attestations
from amber.core.testing.calendar_server import LocalCalendar

DIGEST = hashlib.sha256(b"loopback").digest()


@pytest.mark.parametrize("aggregate", [True, False])
def test_ok_calendar(aggregate: bool) -> None:
    with LocalCalendar(aggregate=aggregate) as calendar:
        answer = CalendarClient(calendar.url, timeout=5).submit(DIGEST)
        ((url, commitment, _node),) = pending_attestations(answer)
        assert url == calendar.url
        assert CalendarClient(calendar.url, timeout=5).get_timestamp(commitment) is None


@pytest.mark.parametrize(
    ("behaviour", "kind"),
    [
        ("down", "http_status"),
        ("garbage", "garbage"),
        ("oversized", "oversized"),
        ("wrong_commitment", "wrong_commitment"),
        ("redirect", "redirect"),
        ("slow", "timeout"),
    ],
)
def test_misbehaving_calendar(behaviour: str, kind: str) -> None:
    with LocalCalendar(behaviour=behaviour, slow_interval=0.2) as calendar:
        with pytest.raises(CalendarError) as caught:
            CalendarClient(calendar.url, timeout=0.5).submit(DIGEST)
        assert caught.value.kind == kind, caught.value.reason


def test_dropped_connection() -> None:
    with LocalCalendar(behaviour="drop_some", drop_fraction=1.0, rng=random.Random(1)) as calendar:
        with pytest.raises(CalendarError) as caught:
            CalendarClient(calendar.url, timeout=2).submit(DIGEST)
        assert caught.value.kind in ("network", "unreachable")


def test_refused_connection() -> None:
    calendar = LocalCalendar().start()
    url = calendar.url
    calendar.stop()
    with pytest.raises(CalendarError) as caught:
        CalendarClient(url, timeout=2).submit(DIGEST)
    assert caught.value.kind == "unreachable"
