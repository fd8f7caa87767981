"""amber.core.hash_file on a big file next to `openssl dgst -sha256` and `sha256sum`."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from amber.core import hash_file

from .runner import Figure, Options, median_seconds

TARGET = 0.9  # of openssl's throughput
_BLOCK = 64 << 20  # the file repeats one random block; SHA-256 does not care
TOOL_TIMEOUT_SECONDS = 600


def _make_file(path: Path, size: int) -> None:
    block = os.urandom(min(_BLOCK, size))
    with path.open("wb") as out:
        left = size
        while left > 0:
            out.write(block[: min(left, len(block))])
            left -= len(block)


def _warm(path: Path) -> None:
    with path.open("rb") as f:
        while f.read(8 << 20):
            pass


def _tool_digest(command: list[str]) -> str:
    done = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=TOOL_TIMEOUT_SECONDS
    )
    return (
        done.stdout.split("=")[-1].split()[0].strip()
        if "=" in done.stdout
        else done.stdout.split()[0]
    )


def run(options: Options) -> list[Figure]:
    figures = []
    with tempfile.TemporaryDirectory(prefix="amber-bench-") as tmp:
        path = Path(tmp) / "big.bin"
        _make_file(path, options.hash_bytes)
        _warm(path)
        expected = hash_file(path).hex()
        mib = options.hash_bytes / (1 << 20)
        amber_s, amber_times = median_seconds(lambda: hash_file(path), options.runs)
        tools = {
            "openssl dgst -sha256": ["openssl", "dgst", "-sha256", str(path)],
            "sha256sum": ["sha256sum", str(path)],
        }
        for name, command in tools.items():
            if shutil.which(command[0]) is None:
                print(f"  {command[0]} not found: skipping that comparison")
                continue
            assert _tool_digest(command) == expected, f"{name} disagrees with hash_file"
            tool_s, tool_times = median_seconds(
                lambda command=command: _tool_digest(command), options.runs
            )
            figures.append(
                Figure(
                    what=f"sha256 of a {mib:,.0f} MiB file (page cache warm)",
                    amber=mib / amber_s,
                    reference=mib / tool_s,
                    unit="MiB/s",
                    reference_name=name,
                    target=TARGET if name.startswith("openssl") else None,
                    details={"amber_seconds": amber_times, "tool_seconds": tool_times},
                )
            )
    return figures
