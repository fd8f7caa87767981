"""`amber stamp DIR` next to `ots stamp` on the same small files, from nothing to every proof
pending at the local calendar (one calendar, quorum 1), counting calendar requests for both.

Each run starts from nothing: a fresh Amber data folder, and for `ots` a fresh folder of hard
links to the same files (it writes its proofs beside them). The two alternate so a busy spell on
the machine hits both alike; the files are read once beforehand so both find them in the page
cache."""

from __future__ import annotations

import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ._realparts import Amber, CountedRequests, Ots, Parts, check, link_tree, parts, small_files
from .runner import Figure, Options

TARGET = 1.0  # at most the time of `ots stamp`


@dataclass(frozen=True)
class Stamped:
    """One tool's round: where its proofs are, the time it took, the requests it made."""

    seconds: float
    requests: int


def amber_stamp(p: Parts, home: Path, files: Path, count: int) -> tuple[Amber, Stamped]:
    amber = Amber(home, p)
    with CountedRequests(p.calendar) as counted:
        done = check(amber("stamp", str(files)), "amber stamp")
    submitted = done.stdout.count("submitted ")
    if submitted != count:
        raise RuntimeError(f"amber stamp left {count - submitted} of {count} files not submitted")
    return amber, Stamped(done.seconds, counted.total)


def ots_stamp(p: Parts, home: Path, folder: Path, names: list[str]) -> tuple[Ots, Stamped]:
    ots = Ots(home)
    with CountedRequests(p.calendar) as counted:
        seconds = ots.many(
            ["--no-cache", "stamp", "-c", p.calendar.url, "-m", "1"], names, cwd=folder
        )
    missing = [n for n in names if not (folder / f"{n}.ots").exists()]
    if missing:
        raise RuntimeError(f"ots stamp wrote no proof for {len(missing)} of {len(names)} files")
    return ots, Stamped(seconds, counted.total)


def warm(folder: Path, names: list[str]) -> None:
    for name in names:
        (folder / name).read_bytes()


def run(options: Options) -> list[Figure]:
    p = parts()
    n = options.files
    with tempfile.TemporaryDirectory(prefix="amber-bench-stamp-") as tmp:
        root = Path(tmp)
        files = root / "files"
        names = small_files(files, n)
        warm(files, names)
        amber_runs: list[Stamped] = []
        ots_runs: list[Stamped] = []
        for i in range(options.runs):
            ots_dir = root / f"ots-{i}"
            link_tree(files, names, ots_dir)
            order = ("ots", "amber") if i % 2 == 0 else ("amber", "ots")
            for tool in order:
                if tool == "ots":
                    ots_runs.append(ots_stamp(p, root / f"ots-home-{i}", ots_dir, names)[1])
                else:
                    amber_runs.append(amber_stamp(p, root / f"amber-{i}", files, n)[1])
    amber_s = statistics.median(r.seconds for r in amber_runs)
    ots_s = statistics.median(r.seconds for r in ots_runs)
    return [
        Figure(
            what=f"stamp {n:,} small files to pending (s)",
            amber=amber_s,
            reference=ots_s,
            unit="s",
            reference_name="ots stamp",
            target=TARGET,
            lower_is_better=True,
            details={
                "amber_seconds": [r.seconds for r in amber_runs],
                "ots_seconds": [r.seconds for r in ots_runs],
                "amber_calendar_requests": [r.requests for r in amber_runs],
                "ots_calendar_requests": [r.requests for r in ots_runs],
            },
        )
    ]
