"""Runs the selected drills, prints one table and writes drills/results/<name>.json."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .report import DrillResult, format_table, write_results

RESULTS_DIR = Path(__file__).with_name("results")
DRILLS = ("kill", "proofs", "calendars", "disk")


@dataclass(frozen=True)
class Sizes:
    """How big each drill is; the defaults are the issue's, ``--quick`` is for smoke tests."""

    files: int = 5000
    kills: int = 50
    mutations: int = 100_000
    subprocess_sample: int = 100
    calendar_files: int = 20
    claim_probes: tuple[int, ...] = (20, 1000, 9000)  # proofs claiming this many blocks

    @classmethod
    def quick(cls) -> Sizes:
        return cls(
            files=40,
            kills=3,
            mutations=400,
            subprocess_sample=4,
            calendar_files=3,
            claim_probes=(20,),
        )


def _with_regtest(action: Callable[..., list[DrillResult]]) -> Callable[[Sizes], list[DrillResult]]:
    def run(sizes: Sizes) -> list[DrillResult]:
        from amber.core.testing.regtest import RegtestNode, litecoind_available

        if not litecoind_available():
            return [
                DrillResult(
                    action.__module__.rsplit(".", 1)[-1],
                    "needs litecoind",
                    False,
                    problems=["litecoind is not installed"],
                )
            ]
        with RegtestNode() as node:
            return action(sizes, node)

    return run


def _kill(sizes: Sizes, node: object) -> list[DrillResult]:
    from . import kill_drill

    options = kill_drill.KillOptions(files=sizes.files, kills=sizes.kills)
    return [kill_drill.run(options, node)]


def _proofs(sizes: Sizes) -> list[DrillResult]:
    from . import hostile_proofs

    return hostile_proofs.run(
        hostile_proofs.ProofOptions(
            mutations=sizes.mutations,
            sample=sizes.subprocess_sample,
            claim_probes=sizes.claim_probes,
        )
    )


def _calendars(sizes: Sizes, node: object) -> list[DrillResult]:
    from . import hostile_calendars

    options = hostile_calendars.CalendarOptions(files=sizes.calendar_files)
    return hostile_calendars.run(options, node)


def _disk(sizes: Sizes, node: object) -> list[DrillResult]:
    from . import disk_drill

    options = disk_drill.DiskOptions(files=sizes.calendar_files)
    return disk_drill.run(options, node)


def available() -> dict[str, Callable[[Sizes], list[DrillResult]]]:
    return {
        "kill": _with_regtest(_kill),
        "proofs": _proofs,
        "calendars": _with_regtest(_calendars),
        "disk": _with_regtest(_disk),
    }


def main(argv: Sequence[str], *, results_dir: Path = RESULTS_DIR) -> int:
    drills = available()
    parser = argparse.ArgumentParser(prog="python -m drills", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"drills to run: {', '.join(drills)}")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (a smoke test)")
    parser.add_argument("--files", type=int, help="files in the kill drill")
    parser.add_argument("--kills", type=int, help="SIGKILLs in the kill drill")
    parser.add_argument("--mutations", type=int, help="hostile proofs, in-process")
    parser.add_argument("--sample", type=int, help="hostile proofs through real processes")
    args = parser.parse_args(list(argv))
    unknown = [n for n in args.names if n not in drills]
    if unknown:
        parser.error(f"unknown drill {', '.join(unknown)}; choose from {', '.join(drills)}")
    sizes = Sizes.quick() if args.quick else Sizes()
    overrides = {
        "files": args.files,
        "kills": args.kills,
        "mutations": args.mutations,
        "subprocess_sample": args.sample,
    }
    sizes = Sizes(**{**sizes.__dict__, **{k: v for k, v in overrides.items() if v is not None}})
    results: list[DrillResult] = []
    for name in args.names or list(drills):
        print(f"running {name} ...", flush=True)
        began = time.monotonic()
        found = drills[name](sizes)
        print(f"  {name}: {time.monotonic() - began:.0f} s", flush=True)
        write_results(name, found, sizes.__dict__, results_dir)
        results.extend(found)
    print()
    print(format_table(results))
    print(f"\nJSON in {results_dir}/")
    return 0 if all(r.passed for r in results) else 1
