"""The benchmark runner works end to end on a tiny queue benchmark (benchmarks are not tests)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.runner import main


def test_the_bench_runner_prints_a_table_and_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["queue", "--fossils", "2000", "--runs", "1"], results_dir=tmp_path)
    out = capsys.readouterr().out
    assert "queue push+pop+ack 2,000 fossils" in out and "raw sqlite3 executemany" in out
    result = json.loads((tmp_path / "queue.json").read_text())
    (figure,) = result["figures"]
    assert figure["amber"] > 0 and figure["reference"] > 0 and figure["target"] == 0.5
    assert code in (0, 1)  # a tiny run on a busy machine may miss the target; that is no bug


def test_unknown_benchmarks_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["nope"], results_dir=tmp_path)
