"""`amber upgrade` next to `ots upgrade` on the same number of pending proofs after the regtest
chain anchored them, counting calendar requests per proof for both.

Both tools first stamp the files (not timed), the calendar anchors every pending commitment in one
block, and each run then upgrades a fresh copy of those pending proofs: Amber's data folder, and
`ots`'s `.ots` files with its cache emptied (the cache is on, as by default, in a HOME of its
own)."""

from __future__ import annotations

import shutil
import statistics
import tempfile
from pathlib import Path

from ._realparts import Amber, CountedRequests, Ots, check, copy_proofs, link_tree, parts
from ._realparts import small_files as make_files
from .runner import Figure, Options
from .stamp_bench import amber_stamp, ots_stamp

TARGET = 0.1  # at most a tenth of the time of `ots upgrade`


def run(options: Options) -> list[Figure]:
    p = parts()
    n = options.files
    amber_s: list[float] = []
    ots_s: list[float] = []
    amber_requests: list[int] = []
    ots_requests: list[int] = []
    with tempfile.TemporaryDirectory(prefix="amber-bench-upgrade-") as tmp:
        root = Path(tmp)
        files = root / "files"
        names = make_files(files, n, seed=1)
        pending_ots = root / "ots-pending"
        link_tree(files, names, pending_ots)
        stamped, _ = amber_stamp(p, root / "amber-stamped", files, n)
        ots_stamp(p, root / "ots-home-stamp", pending_ots, names)
        p.calendar.anchor(p.node)

        for i in range(options.runs):
            order = ("ots", "amber") if i % 2 == 0 else ("amber", "ots")
            for tool in order:
                if tool == "amber":
                    home = root / f"amber-{i}"
                    shutil.copytree(stamped.data_dir, home / "data")
                    amber = Amber(home, p)
                    with CountedRequests(p.calendar) as counted:
                        done = check(amber("upgrade"), "amber upgrade")
                    if f"{n} confirmed, 0 still pending" not in done.stdout:
                        raise RuntimeError(
                            f"amber upgrade did not confirm all: {done.stdout[-300:]}"
                        )
                    amber_s.append(done.seconds)
                    amber_requests.append(counted.total)
                else:
                    folder = root / f"ots-{i}"
                    copy_proofs(pending_ots, names, folder)
                    ots = Ots(root / "ots-home")
                    ots.clear_cache()
                    with CountedRequests(p.calendar) as counted:
                        proofs = [f"{name}.ots" for name in names]
                        seconds = ots.many(["-l", p.calendar.url, "upgrade"], proofs, cwd=folder)
                    ots_s.append(seconds)
                    ots_requests.append(counted.total)
                    shutil.rmtree(folder)
    amber_median = statistics.median(amber_s)
    ots_median = statistics.median(ots_s)
    return [
        Figure(
            what=f"upgrade {n:,} anchored proofs (s)",
            amber=amber_median,
            reference=ots_median,
            unit="s",
            reference_name="ots upgrade, cache on",
            target=TARGET,
            lower_is_better=True,
            details={
                "amber_seconds": amber_s,
                "ots_seconds": ots_s,
                "amber_requests_per_proof": [r / n for r in amber_requests],
                "ots_requests_per_proof": [r / n for r in ots_requests],
            },
        )
    ]
