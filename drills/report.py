"""One line of the drills table, the table itself, and the JSON written beside it."""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class DrillResult:
    """What one drill checked, whether it held, and the figures that show it."""

    drill: str
    checked: str
    passed: bool
    figures: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # each failed check, in plain words
    details: dict[str, Any] = field(default_factory=dict)  # JSON only, not the table

    def fail(self, problem: str) -> None:
        self.passed = False
        self.problems.append(problem)

    def check(self, condition: bool, problem: str) -> bool:
        if not condition:
            self.fail(problem)
        return condition


def format_figures(figures: dict[str, Any]) -> str:
    parts = []
    for key, value in figures.items():
        if isinstance(value, float):
            value = f"{value:.1f}"
        elif isinstance(value, dict):
            value = " ".join(f"{k}:{v}" for k, v in value.items()) or "-"
        parts.append(f"{key}={value}")
    return "; ".join(parts)


def format_table(results: Sequence[DrillResult]) -> str:
    header = ("drill", "what was checked", "result", "figures")
    rows = [
        (r.drill, r.checked, "pass" if r.passed else "FAIL", format_figures(r.figures))
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join([*(c.ljust(w) for c, w in zip(cells[:3], widths, strict=True)), cells[3]])

    lines = [line(header), line(["-" * w for w in widths] + ["-" * 7]), *map(line, rows)]
    for r in results:
        lines.extend(f"  {r.drill}: {problem}" for problem in r.problems)
    return "\n".join(lines)


def write_results(
    name: str, results: Sequence[DrillResult], options: dict[str, Any], out: Path
) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.json"
    payload = {
        "drill": name,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "options": options,
        "results": [asdict(r) for r in results],
    }
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    return path
