"""`amber verify` on many Bitcoin-confirmed proofs in one process, with a warm header cache,
next to `ots verify` run once per proof (it takes one proof per run) against the regtest node.

The proofs are made by Amber (stamp, anchor, upgrade, export beside the files) so both tools
check the very same `.ots` files. Amber verifies from a data folder of its own whose header
cache a first, untimed `amber verify` filled."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from ._realparts import Amber, Ots, check, parts, small_files
from .runner import Figure, Options

TARGET = 0.1  # at most a tenth of the time of `ots verify`, one process per proof


def run(options: Options) -> list[Figure]:
    p = parts()
    n = options.proofs
    with tempfile.TemporaryDirectory(prefix="amber-bench-verify-") as tmp:
        root = Path(tmp)
        files = root / "files"
        names = small_files(files, n, seed=2)
        maker = Amber(root / "maker", p)
        check(maker("stamp", str(files)), "amber stamp")
        p.calendar.anchor(p.node)
        check(maker("upgrade"), "amber upgrade")
        check(maker("export", "--out", str(files)), "amber export")
        proofs = [str(files / f"{name}.ots") for name in names]

        verifier = Amber(root / "verifier", p)
        check(verifier("verify", *proofs), "amber verify (filling the header cache)")
        ots = Ots(root / "ots-home")
        node = ["--btc-regtest", "--bitcoin-node", p.node.rpc_url]

        def ots_all() -> float:
            began = time.perf_counter()
            for proof in proofs:
                check(ots("--no-cache", *node, "verify", proof), "ots verify")
            return time.perf_counter() - began

        amber_s: list[float] = []
        ots_s: list[float] = []
        for i in range(options.runs):
            if i % 2 == 0:
                ots_s.append(ots_all())
            amber_s.append(check(verifier("verify", *proofs), "amber verify").seconds)
            if i % 2 == 1:
                ots_s.append(ots_all())
    return [
        Figure(
            what=f"verify {n:,} confirmed proofs, warm cache (s)",
            amber=statistics.median(amber_s),
            reference=statistics.median(ots_s),
            unit="s",
            reference_name="ots verify, a process per proof",
            target=TARGET,
            lower_is_better=True,
            details={"amber_seconds": amber_s, "ots_seconds": ots_s, "proofs": n},
        )
    ]
