"""Hostile proofs: many mutated `.ots` files through `amber verify` and `amber import`.

Most go in-process through the service calls the CLI makes (``AmberService.verify`` and
``AmberService.import_proof``), one in a hundred through the click commands themselves
(CliRunner), and a sample through real `amber` processes. Each input has a time limit; a crash
(any exception but the documented ones), a hang or a vague message fails the drill.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import tempfile
import time
import traceback
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from .common import amber, amber_env, own_peak_rss_mb
from .mutations import Hostile, Seed, hostile, load_seeds, many_claims
from .report import DrillResult

VECTORS = Path(__file__).resolve().parents[1] / ".." / "shared" / "ots-vectors"
HEADER_358391 = "358391.hex"
UNCLEAR = ("malformed proof (", "Traceback", "object has no attribute", "NoneType")


@dataclass(frozen=True)
class ProofOptions:
    mutations: int = 100_000
    sample: int = 100  # through real processes (half verify, half import)
    workers: int = 2
    chunk: int = 2000
    time_limit: float = 2.0  # seconds, per input and per command
    memory_limit_mb: float = 400.0
    cli_every: int = 250
    process_limit: float = 20.0  # seconds for one `amber` process, startup included
    claim_probes: tuple[int, ...] = (20, 1000, 9000)
    seed: int = 6


class InputTimeout(Exception):
    pass


@dataclass
class ChunkReport:
    outcomes: Counter[str] = field(default_factory=Counter)  # "verify:invalid", "import:refused"
    by_kind: Counter[str] = field(default_factory=Counter)
    crashes: list[str] = field(default_factory=list)
    unclear: list[str] = field(default_factory=list)
    over_limit: list[str] = field(default_factory=list)
    slowest: float = 0.0
    peak_rss_mb: float = 0.0
    messages: Counter[str] = field(default_factory=Counter)  # reason, numbers masked


def run(options: ProofOptions) -> list[DrillResult]:
    from amber.core.testing.esplora import FakeEsplora

    started = time.monotonic()
    seeds = load_seeds(VECTORS)
    raw = bytes.fromhex((VECTORS / "block-headers" / HEADER_358391).read_text().strip())
    total = ChunkReport()
    with (
        FakeEsplora(headers={358391: raw}) as esplora,
        tempfile.TemporaryDirectory(prefix="amber-proofs-drill-") as tmp,
    ):
        starts = list(range(0, options.mutations, options.chunk))
        with ProcessPoolExecutor(max_workers=options.workers) as pool:
            futures = [
                pool.submit(
                    run_chunk,
                    start,
                    min(start + options.chunk, options.mutations),
                    options,
                    esplora.url,
                    Path(tmp) / f"worker-{start}",
                )
                for start in starts
            ]
            for future in futures:
                merge(total, future.result(timeout=options.chunk * options.time_limit + 60))
        in_process = time.monotonic() - started
        processes = run_sample(options, seeds, esplora.url, Path(tmp))

    result = DrillResult(
        "proofs",
        f"{options.mutations:,} mutated .ots through verify+import in-process "
        f"(1/{options.cli_every} via click), {options.sample} via `amber` processes; "
        f"limit {options.time_limit:g} s/input, {options.memory_limit_mb:g} MB",
        passed=True,
    )
    result.check(not total.crashes, f"{len(total.crashes)} crashes, e.g. {total.crashes[:2]}")
    result.check(
        not total.over_limit,
        f"{len(total.over_limit)} inputs over {options.time_limit:g} s: {total.over_limit[:3]}",
    )
    result.check(
        not total.unclear, f"{len(total.unclear)} unclear messages, e.g. {total.unclear[:3]}"
    )
    result.check(
        total.peak_rss_mb <= options.memory_limit_mb,
        f"peak RSS {total.peak_rss_mb:.0f} MB over {options.memory_limit_mb:g} MB",
    )
    sample_result = DrillResult(
        "proofs/cli",
        f"{options.sample} hostile proofs, each through its own `amber` process: "
        "exit 0/1/3, no traceback, a message",
        passed=True,
    )
    for problem in processes["problems"]:
        sample_result.fail(problem)
    result.figures = {
        "inputs": options.mutations,
        "outcomes": dict(sorted(total.outcomes.items())),
        "crashes": len(total.crashes),
        "over_limit": len(total.over_limit),
        "slowest_s": round(total.slowest, 3),
        "peak_rss_mb": total.peak_rss_mb,
        "time_s": in_process,
    }
    result.figures["distinct_reasons"] = len(total.messages)
    sample_result.figures = {k: v for k, v in processes.items() if k != "problems"}
    result.details = {"kinds": dict(total.by_kind), "reasons": dict(total.messages.most_common(60))}
    return [result, sample_result]


def merge(total: ChunkReport, part: ChunkReport) -> None:
    total.outcomes.update(part.outcomes)
    total.by_kind.update(part.by_kind)
    total.messages.update(part.messages)
    total.crashes.extend(part.crashes)
    total.unclear.extend(part.unclear)
    total.over_limit.extend(part.over_limit)
    total.slowest = max(total.slowest, part.slowest)
    total.peak_rss_mb = max(total.peak_rss_mb, part.peak_rss_mb)


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise InputTimeout


def masked(message: str) -> str:
    """A reason with its numbers and hex masked, to count kinds of messages."""
    out, digits = [], False
    for ch in message[:120]:
        if ch in "0123456789abcdef" and digits:
            continue
        digits = ch.isdigit()
        out.append("#" if digits else ch)
    return "".join(out)


def run_chunk(
    start: int, stop: int, options: ProofOptions, esplora: str, folder: Path
) -> ChunkReport:
    """In a worker process: verify and import inputs ``start..stop`` through the service."""
    from amber.core.cli.main import cli
    from amber.core.ots.proofs import ProofError
    from amber.core.service import AmberService, ProofImportError
    from amber.core.settings import Settings
    from amber.core.storage import HeaderStore
    from click.testing import CliRunner

    folder.mkdir(parents=True)
    # In-process the headers come from the history's cache (as offline); live sources are
    # exercised by the processes and by the many-claims probe.
    settings = Settings(
        data_dir=folder / "data",
        calendars=("http://127.0.0.1:9",),
        min_calendars=1,
        calendar_timeout=2.0,
    )
    env = amber_env(
        folder / "cli-data", ["http://127.0.0.1:9"], AMBER_ESPLORA=esplora, AMBER_CHAIN="bitcoin"
    )
    seeds = load_seeds(VECTORS)
    report = ChunkReport()
    signal.signal(signal.SIGALRM, _alarm)
    runner = CliRunner()
    raw = bytes.fromhex((VECTORS / "block-headers" / HEADER_358391).read_text().strip())
    with AmberService(settings) as service:
        HeaderStore(service.db).put("bitcoin", 358391, raw)
        for index in range(start, stop):
            item = hostile(index, seeds, seed=options.seed)
            report.by_kind[item.kind] += 1
            label = f"#{index} {item.kind} ({len(item.data)} bytes)"
            for action in ("verify", "import"):
                began = time.perf_counter()
                signal.setitimer(signal.ITIMER_REAL, options.time_limit)
                try:
                    if action == "verify":
                        verdict = service.verify(item.data, digest=item.digest)
                        outcome, message = f"verify:{verdict.kind.value}", verdict.message()
                    else:
                        stamp = service.import_proof(item.data, name=f"hostile-{index}")
                        outcome, message = f"import:{stamp.state.value}", "imported"
                except InputTimeout:
                    report.over_limit.append(f"{action} {label}")
                    continue
                except (ProofError, ProofImportError) as error:
                    outcome, message = f"{action}:refused", str(error)
                except Exception:  # a crash is what the drill looks for
                    report.crashes.append(f"{action} {label}: {traceback.format_exc()[-600:]}")
                    continue
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                report.slowest = max(report.slowest, time.perf_counter() - began)
                report.outcomes[outcome] += 1
                if outcome.endswith(("refused", "invalid")):
                    report.messages[masked(message)] += 1
                if not message.strip() or any(u in message for u in UNCLEAR):
                    report.unclear.append(f"{action} {label}: {message[:200]}")
            if index % options.cli_every == 0:
                _through_click(runner, cli, env, item, folder, label, report)
    report.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return report


def _through_click(
    runner: Any,
    cli: Any,
    env: dict[str, str],
    item: Hostile,
    folder: Path,
    label: str,
    report: ChunkReport,
) -> None:
    proof = folder / "hostile.ots"
    proof.write_bytes(item.data)
    commands = {
        "cli-verify": ["verify", "--proof", str(proof), "--digest", item.digest.hex(), "--json"],
        "cli-import": ["import", str(proof), "--json"],
    }
    for name, args in commands.items():
        outcome = runner.invoke(cli, args, env=env, catch_exceptions=True)
        crashed = outcome.exception is not None and not isinstance(outcome.exception, SystemExit)
        if crashed or outcome.exit_code not in (0, 1, 3):
            report.crashes.append(f"{name} {label}: exit {outcome.exit_code} {outcome.exception!r}")
            continue
        report.outcomes[f"{name}:exit{outcome.exit_code}"] += 1


def run_sample(options: ProofOptions, seeds: list[Seed], esplora: str, tmp: Path) -> dict[str, Any]:
    """Hostile proofs through real `amber verify` / `amber import` processes, two at a time."""
    folder = tmp / "sample"
    folder.mkdir()
    env = amber_env(
        folder / "data", ["http://127.0.0.1:9"], AMBER_ESPLORA=esplora, AMBER_CHAIN="bitcoin"
    )
    amber(env, "list")  # create the history once, before processes share it
    step = max(options.mutations // max(options.sample, 1), 1)
    jobs = []
    for n in range(options.sample):
        item = hostile(n * step, seeds, seed=options.seed)
        proof = folder / f"hostile-{n}.ots"
        proof.write_bytes(item.data)
        if n % 2 == 0:
            jobs.append(
                (
                    "verify",
                    ["verify", "--proof", str(proof), "--digest", item.digest.hex(), "--json"],
                )
            )
        else:
            jobs.append(("import", ["import", str(proof), "--json"]))

    # Proofs claiming many Bitcoin blocks, against a live header source: one lookup per claim.
    for count in options.claim_probes:
        proof = folder / f"claims-{count}.ots"
        proof.write_bytes(many_claims(count, bytes(32)))
        jobs.append(("claims", ["verify", "--proof", str(proof), "--digest", "00" * 32, "--json"]))
        jobs.append(("claims", ["import", str(proof), "--json"]))

    def one(job: tuple[str, list[str]]) -> tuple[str, Any]:
        return job[0], amber(env, *job[1], timeout=options.process_limit)

    codes: Counter[str] = Counter()
    problems: list[str] = []
    slowest = peak = 0.0
    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=options.workers) as pool:
        for action, done in pool.map(one, jobs):
            codes[f"{action}:exit{done.returncode}"] += 1
            slowest, peak = max(slowest, done.seconds), max(peak, done.peak_rss_mb)
            if done.returncode == -signal.SIGKILL:
                problems.append(
                    f"over the {options.process_limit:g} s limit: `amber "
                    f"{' '.join(done.args[:1])} {Path(done.args[-2]).name}`"
                )
            elif done.traceback or done.returncode not in (0, 1, 3):
                problems.append(done.describe())
            elif action in ("verify", "claims") and done.args[0] == "verify" and done.returncode:
                verdict = json.loads(done.stdout)
                if not verdict.get("message"):
                    problems.append("no message: " + done.describe())
            elif (
                done.args[0] == "import"
                and done.returncode != 0
                and not done.stderr.startswith("amber: ")
            ):
                problems.append("no plain error: " + done.describe())
    return {
        "processes": len(jobs),
        "exits": dict(sorted(codes.items())),
        "slowest_s": slowest,
        "peak_rss_mb": peak,
        "time_s": time.monotonic() - began,
        "problems": problems[:5] + ([f"... {len(problems) - 5} more"] if len(problems) > 5 else []),
        "driver_rss_mb": own_peak_rss_mb(),
    }


if __name__ == "__main__":  # pragma: no cover - a quick manual run
    for line in run(ProofOptions(mutations=int(os.environ.get("N", "2000")), sample=4)):
        print(line)
