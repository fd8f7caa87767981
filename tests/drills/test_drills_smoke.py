"""Smoke tests of the drills at tiny sizes (the real ones run with `make drill`)."""

from __future__ import annotations

import http.client
import json
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from amber.core.testing.calendar_server import LocalCalendar

from drills import hostile_proofs, runner
from drills.flaky_proxy import FlakyProxy
from drills.mutations import MUTATORS, hostile, load_seeds
from drills.report import DrillResult, format_table
from tests.vectors import vectors_dir


def test_mutations_are_deterministic_and_cover_every_kind() -> None:
    seeds = load_seeds(vectors_dir())
    first = [hostile(i, seeds) for i in range(400)]
    assert first == [hostile(i, seeds) for i in range(400)]
    assert {h.kind for h in first} == set(MUTATORS)
    assert any(len(h.data) > 1 << 20 for h in first + [hostile(i, seeds) for i in range(4000)])


def test_hostile_proofs_at_a_small_size_pass_with_counted_outcomes(tmp_path: Path) -> None:
    options = hostile_proofs.ProofOptions(
        mutations=160, sample=2, chunk=80, cli_every=40, claim_probes=(20,)
    )
    main, sample = hostile_proofs.run(options)
    assert main.passed, main.problems
    assert sample.passed, sample.problems
    outcomes = main.figures["outcomes"]
    assert sum(n for k, n in outcomes.items() if k.startswith("verify:")) == 160
    assert outcomes.get("verify:invalid", 0) > 0 and outcomes.get("import:refused", 0) > 0
    assert sample.figures["processes"] == 4


def test_the_flaky_proxy_drops_some_requests_and_relays_the_others() -> None:
    with (
        LocalCalendar() as calendar,
        FlakyProxy(calendar.url, drop_fraction=0.5, max_delay=0.01, seed=1) as proxy,
    ):
        where = urlsplit(proxy.url)
        answered: Counter[str] = Counter()
        for _ in range(20):
            connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=5)
            try:
                connection.request("POST", "/digest", body=b"\x01" * 32)
                answered[str(connection.getresponse().status)] += 1
            except (OSError, http.client.HTTPException):
                answered["dropped"] += 1
            finally:
                connection.close()
    assert answered["200"] == proxy.counts["relayed"] > 0
    assert answered["dropped"] == proxy.counts["dropped_before"] + proxy.counts["dropped_after"]
    assert proxy.counts["dropped_before"] > 0 and proxy.counts["dropped_after"] > 0
    # A request dropped after the calendar answered leaves a commitment nobody received.
    assert len(calendar.submitted) == answered["200"] + proxy.counts["dropped_after"]


def test_the_table_shows_each_result_and_its_problems() -> None:
    ok = DrillResult("kill", "one proof per file", True, {"kills": 50, "time_s": 1.25})
    bad = DrillResult("disk/full", "plain refusal", True)
    bad.fail("`amber stamp` printed a traceback")
    table = format_table([ok, bad])
    assert "kills=50; time_s=1.2" in table
    assert "FAIL" in table and "disk/full: `amber stamp` printed a traceback" in table


def test_the_runner_writes_json_and_rejects_unknown_drills(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        runner, "available", lambda: {"fake": lambda sizes: [DrillResult("fake", "x", True)]}
    )
    assert runner.main(["fake", "--quick"], results_dir=tmp_path) == 0
    assert json.loads((tmp_path / "fake.json").read_text())["results"][0]["passed"] is True
    assert "fake" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        runner.main(["nope"], results_dir=tmp_path)
