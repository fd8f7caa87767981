"""The benchmarks against the reference client run end to end, at tiny sizes (benchmarks are not
tests: whether a tiny run meets its target on a busy machine says nothing)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from amber.core.testing.calendar_server import LocalCalendar
from amber.core.testing.regtest import RegtestNode

from bench._realparts import OTS, use_parts
from bench.runner import main
from tests.conftest import require_part


def test_stamp_upgrade_verify_and_memory_benchmarks_run_end_to_end(
    tmp_path: Path,
    regtest_node: RegtestNode,
    local_calendar: LocalCalendar,
    capsys: pytest.CaptureFixture[str],
) -> None:
    require_part(OTS.exists(), "the reference client `ots` (opentimestamps-client) is missing")
    args = ["--files", "8", "--proofs", "2", "--memory-mib", "32", "--runs", "1"]
    with use_parts(regtest_node, local_calendar):
        code = main(["stamp", "upgrade", "verify", "memory", *args], results_dir=tmp_path)
    out = capsys.readouterr().out
    for line in (
        "stamp 8 small files to pending",
        "upgrade 8 anchored proofs",
        "verify 2 confirmed proofs",
        "peak memory, amber stamp of a 0.03125 GiB file",
    ):
        assert line in out
    assert code in (0, 1)

    stamp = json.loads((tmp_path / "stamp.json").read_text())["figures"][0]
    assert stamp["details"]["ots_calendar_requests"] == [1], "ots sends one Merkle root"
    assert stamp["details"]["amber_calendar_requests"] == [1], "so does Amber, for 8 files"
    upgrade = json.loads((tmp_path / "upgrade.json").read_text())["figures"][0]
    assert upgrade["amber"] > 0 and upgrade["reference"] > 0
    assert upgrade["details"]["amber_requests_per_proof"] == [1 / 8]
    memory = json.loads((tmp_path / "memory.json").read_text())["figures"][0]
    assert memory["reference"] is None and 10 < memory["amber"] < 1000  # MB
    assert memory["target"] == 150.0
