"""Where the shared real-world OpenTimestamps vectors live: ../shared/ots-vectors from the root."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def vectors_dir() -> Path:
    return PROJECT_ROOT / ".." / "shared" / "ots-vectors"


def proof_bytes(name: str) -> bytes:
    return (vectors_dir() / "proofs" / name).read_bytes()


def block_header_358391() -> bytes:
    return bytes.fromhex((vectors_dir() / "block-headers" / "358391.hex").read_text().strip())
