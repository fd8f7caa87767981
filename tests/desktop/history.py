"""A realistic history for desktop tests: stamps in every state, written through StampStore."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from amber.core import BlockAttestation, Fossil
from amber.core.storage import NewStamp, StampState, StampStore

ROOT = Path(__file__).resolve().parents[2]
VECTORS = (ROOT / ".." / "shared" / "ots-vectors").resolve()

FILES = [
    ("Employment contract — signed.pdf", "/home/alice/Documents/Contracts", 482_113),
    ("Invoice 2024-117.pdf", "/home/alice/Documents/Invoices", 91_245),
    ("Invoice 2024-118.pdf", "/home/alice/Documents/Invoices", 88_901),
    ("thesis-final-v7.docx", "/home/alice/University/Thesis", 2_348_812),
    ("lab-notebook-2024-03.md", "/home/alice/University/Lab", 18_220),
    ("IMG_4471.HEIC", "/home/alice/Pictures/2024/Berlin", 3_104_552),
    ("IMG_4472.HEIC", "/home/alice/Pictures/2024/Berlin", 2_998_004),
    ("patent-draft-claims.odt", "/home/alice/Work/Patent", 77_410),
    ("source-code-release-1.4.0.tar.gz", "/home/alice/Work/Releases", 14_822_301),
    ("meeting-minutes-2024-05-02.txt", "/home/alice/Work/Board", 6_512),
    ("song-demo-master.wav", "/home/alice/Music/Demos", 52_330_114),
    ("will-and-testament.pdf", "/home/alice/Documents/Legal", 204_002),
    ("design-mockups.fig", "/home/alice/Work/Design", 8_122_993),
    ("research-data.csv", "/home/alice/University/Lab", 1_204_556),
    ("novel-chapter-12.md", "/home/alice/Writing/Novel", 44_018),
]

DAY = 86_400.0
NOW = 1_733_200_000.0  # 3 Dec 2024


def sample_proof() -> bytes:
    """A real pending proof (two calendars) — good enough to show a proof tree."""
    path = VECTORS / "proofs" / "two-calendars.txt.ots"
    return path.read_bytes() if path.is_file() else b"\x00OpenTimestamps\x00\x00Proof"


def populate(service: Any, count: int = 36, *, now: float = NOW) -> list[int]:
    """Write ``count`` stamps spread over the last weeks, oldest confirmed, newest queued."""
    proof = sample_proof()
    ids: list[int] = []
    for i in range(count):
        name, folder, size = FILES[i % len(FILES)]
        if i >= len(FILES):
            stem, dot, ext = name.rpartition(".")
            name = f"{stem} ({i // len(FILES) + 1}){dot}{ext}"
        digest = hashlib.sha256(f"{name}/{folder}/{i}".encode()).digest()
        added = now - (count - i) * 0.7 * DAY - (i % 5) * 3_600
        store = StampStore(service.db, clock=lambda added=added: added)
        meta = json.dumps({"name": name, "folder": folder, "size": size}).encode()
        item = NewStamp(digest, meta, name, folder, size)
        (stamp,) = store.enqueue(service.queue, [item])
        ids.append(stamp.id)
        age = count - i
        calendars = (
            "https://alice.btc.calendar.opentimestamps.org",
            "https://bob.btc.calendar.opentimestamps.org",
        )
        if age <= 3:
            if i % 2 == 0:
                store.record_failure([stamp.fossil_id], "calendars unreachable (offline)")
            continue
        fossil = Fossil(digest, meta, stamp.fossil_id)
        store.record_submitted(service.queue, [(fossil, proof, calendars)])
        if age <= 8:
            continue
        if i == 5:
            store.update_proof(
                stamp.id,
                proof,
                state=StampState.FAILED,
                error="calendar answered for a different block than its header",
            )
            continue
        height = 873_000 + i * 97
        block = BlockAttestation(
            height, hashlib.sha256(i.to_bytes(4, "big")).hexdigest(), int(added + 3 * 3_600)
        )
        store.update_proof(stamp.id, proof, state=StampState.CONFIRMED, block=block)
    return ids
