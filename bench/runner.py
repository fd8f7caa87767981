"""Runs the selected benchmarks, prints one table and writes one JSON file per benchmark."""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).with_name("results")


@dataclass(frozen=True)
class Figure:
    """One line of the table; ratio = amber / reference.

    By default figures are rates (bigger is better) and ``target`` is the least ratio. With
    ``lower_is_better`` (times, memory) ``target`` is the greatest ratio allowed. A figure with
    no ``reference`` (None) has an absolute ``target`` in its own ``unit``.
    """

    what: str
    amber: float
    reference: float | None
    unit: str
    reference_name: str
    target: float | None  # the ratio (or absolute value) to reach; None: for information only
    details: dict[str, Any] = field(default_factory=dict)
    lower_is_better: bool = False

    @property
    def ratio(self) -> float | None:
        if self.reference is None:
            return None
        return self.amber / self.reference if self.reference else float("inf")

    @property
    def passed(self) -> bool:
        if self.target is None:
            return True
        value = self.amber if self.ratio is None else self.ratio
        return value <= self.target if self.lower_is_better else value >= self.target

    def target_text(self) -> str:
        if self.target is None:
            return "-"
        sign = "<=" if self.lower_is_better else ">="
        if self.ratio is None:
            return f"{sign} {self.target:,.0f} {self.unit}"
        return f"{sign} {self.target:.2f}x"


@dataclass(frozen=True)
class Options:
    runs: int = 3
    fossils: int = 100_000
    hash_bytes: int = 1 << 30
    files: int = 10_000  # stamp and upgrade: small files, then their proofs
    proofs: int = 200  # verify: confirmed proofs
    memory_bytes: int = 4 << 30  # memory: the (sparse) file amber stamp hashes


Benchmark = Callable[[Options], list[Figure]]


def median_seconds(action: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    """Median wall time of ``action`` over ``runs`` runs, and every run's time."""
    return median_of(lambda: _timed(action), runs)


def median_of(measure: Callable[[], float], runs: int) -> tuple[float, list[float]]:
    """Median of ``runs`` calls of ``measure`` (which returns the seconds it measured itself)."""
    times = [measure() for _ in range(runs)]
    return statistics.median(times), times


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def benchmarks() -> dict[str, Benchmark]:
    from . import (
        desktop_bench,
        hash_bench,
        http_bench,
        memory_bench,
        queue_bench,
        stamp_bench,
        upgrade_bench,
        verify_bench,
    )

    return {
        "queue": queue_bench.run,
        "hash": hash_bench.run,
        "stamp": stamp_bench.run,
        "upgrade": upgrade_bench.run,
        "verify": verify_bench.run,
        "memory": memory_bench.run,
        "desktop": desktop_bench.run,
        "http": http_bench.run,
    }


def _number(value: float, unit: str) -> str:
    return f"{value:,.2f} {unit}" if value < 100 else f"{value:,.0f} {unit}"


def format_table(figures: Sequence[Figure]) -> str:
    header = ("what", "Amber", "reference", "ratio", "target", "result")
    rows = [
        (
            f.what,
            _number(f.amber, f.unit),
            "-" if f.reference is None else f"{_number(f.reference, f.unit)} ({f.reference_name})",
            "-" if f.ratio is None else f"{f.ratio:.2f}x",
            f.target_text(),
            "-" if f.target is None else ("pass" if f.passed else "FAIL"),
        )
        for f in figures
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def write_results(name: str, figures: Sequence[Figure], options: Options, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.json"
    payload = {
        "benchmark": name,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "options": asdict(options),
        "figures": [{**asdict(f), "ratio": f.ratio, "passed": f.passed} for f in figures],
    }
    path.write_text(json.dumps(payload, indent=2) + "\n")
    return path


def main(argv: Sequence[str], *, results_dir: Path = RESULTS_DIR) -> int:
    available = benchmarks()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run: {', '.join(available)}")
    parser.add_argument("--runs", type=int, default=Options.runs, help="runs per figure (median)")
    parser.add_argument("--fossils", type=int, default=Options.fossils)
    parser.add_argument("--hash-mib", type=int, default=Options.hash_bytes >> 20)
    parser.add_argument("--files", type=int, default=Options.files, help="stamp/upgrade files")
    parser.add_argument("--proofs", type=int, default=Options.proofs, help="verify proofs")
    parser.add_argument("--memory-mib", type=int, default=Options.memory_bytes >> 20)
    args = parser.parse_args(list(argv))
    unknown = [n for n in args.names if n not in available]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(available)}")
    sizes = (args.runs, args.fossils, args.hash_mib, args.files, args.proofs, args.memory_mib)
    if min(sizes) < 1:
        parser.error("--runs, --fossils, --hash-mib, --files, --proofs, --memory-mib must be >= 1")
    options = Options(
        runs=args.runs,
        fossils=args.fossils,
        hash_bytes=args.hash_mib << 20,
        files=args.files,
        proofs=args.proofs,
        memory_bytes=args.memory_mib << 20,
    )
    figures: list[Figure] = []
    for name in args.names or list(available):
        print(f"running {name} ...", flush=True)
        found = available[name](options)
        write_results(name, found, options, results_dir)
        figures.extend(found)
    print()
    print(format_table(figures))
    print(f"\nJSON in {results_dir}/")
    return 0 if all(f.passed for f in figures) else 1
