"""Hashing workers: folders recursed, progress batched, cancellable, errors reported."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from amber.desktop.hashing import HashJob, HashProgress, collect_files
from PySide6.QtCore import Qt


def test_collects_folders_recursively_in_a_stable_order(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("a/1.txt", "a/b/2.txt", "3.txt"):
        (tmp_path / name).write_text(name)
    files, failures = collect_files([tmp_path / "a", tmp_path / "3.txt", tmp_path / "gone"])
    assert [p.relative_to(tmp_path).as_posix() for p, _ in files] == [
        "a/1.txt",
        "a/b/2.txt",
        "3.txt",
    ]
    assert [(f.path.name, f.reason) for f in failures] == [("gone", "no such file")]


def test_job_hashes_with_batched_progress(qtbot: Any, tmp_path: Path) -> None:
    paths = []
    for i in range(200):
        path = tmp_path / f"f{i}.bin"
        path.write_bytes(bytes([i % 256]) * (1000 + i))
        paths.append(path)
    job = HashJob([tmp_path], interval=0.05)
    progress: list[HashProgress] = []
    hashed: list[Any] = []
    job.progress.connect(progress.append)
    job.hashed.connect(hashed.extend)
    with qtbot.waitSignal(job.finished, timeout=10_000) as finished:
        job.start()
    report = finished.args[0]
    assert report.hashed == 200 and not report.failures and not report.cancelled
    by_name = {h.name: h for h in hashed}
    assert by_name["f7.bin"].digest == hashlib.sha256(bytes([7]) * 1007).digest()
    assert by_name["f7.bin"].size == 1007
    final = progress[-1]
    assert (final.files_done, final.files_total) == (200, 200)
    assert final.bytes_done == final.bytes_total == sum(1000 + i for i in range(200))
    # 200 files, but at most one signal per 50 ms (plus the first and the last)
    assert len(progress) <= 2 + report.seconds / 0.05 + 1


def test_cancel_stops_between_chunks(qtbot: Any, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(b"\0" * (8 << 20))
    job = HashJob([big], interval=0.0)
    # direct: the worker cancels itself after its first 1 MiB chunk, deterministically
    job.progress.connect(
        lambda p: job.cancel() if p.bytes_done else None, Qt.ConnectionType.DirectConnection
    )
    with qtbot.waitSignal(job.finished, timeout=10_000) as finished:
        job.start()
    assert finished.args[0].cancelled
    assert finished.args[0].hashed == 0


def test_unreadable_files_are_reported_not_fatal(qtbot: Any, tmp_path: Path) -> None:
    ok = tmp_path / "ok.txt"
    ok.write_text("fine")
    job = HashJob([ok, tmp_path / "missing.txt"])
    with qtbot.waitSignal(job.finished, timeout=5000) as finished:
        job.start()
    report = finished.args[0]
    assert report.hashed == 1
    assert [f.reason for f in report.failures] == ["no such file"]


def test_small_and_large_files_hash_alike_and_history_is_looked_up_per_batch(
    qtbot: Any, tmp_path: Path
) -> None:
    from amber.desktop.hashing import SMALL_FILE

    small = tmp_path / "small.txt"
    small.write_bytes(b"a" * 100)
    large = tmp_path / "large.bin"
    large.write_bytes(b"b" * (SMALL_FILE + 1))
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    lookups: list[int] = []

    def lookup_many(digests: Any) -> dict[bytes, list[str]]:
        lookups.append(len(digests))
        return {hashlib.sha256(b"a" * 100).digest(): ["stamped before"]}

    job = HashJob([small, large, empty], lookup=lookup_many, interval=60.0)
    hashed: list[Any] = []
    job.hashed.connect(hashed.extend)
    with qtbot.waitSignal(job.finished, timeout=10_000):
        job.start()
    by_name = {h.name: h for h in hashed}
    assert by_name["large.bin"].digest == hashlib.sha256(b"b" * (SMALL_FILE + 1)).digest()
    assert by_name["empty"].digest == hashlib.sha256(b"").digest()
    assert by_name["small.txt"].already == ("stamped before",)
    assert by_name["large.bin"].already == ()
    assert lookups == [3]  # one query for the whole batch
