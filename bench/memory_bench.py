"""Peak resident memory of `amber stamp --no-wait` hashing one big file (sparse: the kernel hands
back zeros without touching the disk, so the figure is Amber's memory, not the disk's speed)."""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from ._realparts import Amber, check, parts
from .runner import Figure, Options

TARGET_MB = 150.0
MB = 1_000_000


def run(options: Options) -> list[Figure]:
    p = parts()
    size = options.memory_bytes
    peaks: list[int] = []
    seconds: list[float] = []
    with tempfile.TemporaryDirectory(prefix="amber-bench-memory-") as tmp:
        root = Path(tmp)
        big = root / "big.bin"
        with big.open("wb") as f:
            f.truncate(size)
        for i in range(options.runs):
            amber = Amber(root / f"amber-{i}", p)
            done = amber("stamp", "--no-wait", str(big), peak_memory=True)
            check(done, "amber stamp --no-wait")
            peaks.append(done.peak_rss_bytes)
            seconds.append(done.seconds)
    gib = size / (1 << 30)
    return [
        Figure(
            what=f"peak memory, amber stamp of a {gib:g} GiB file",
            amber=statistics.median(peaks) / MB,
            reference=None,
            unit="MB",
            reference_name="",
            target=TARGET_MB,
            lower_is_better=True,
            details={"peak_rss_bytes": peaks, "seconds": seconds, "file_bytes": size},
        )
    ]
