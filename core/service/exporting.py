"""Writing stored proofs out as standard .ots files."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..storage import Stamp

PROOF_SUFFIX = ".ots"


@dataclass
class ExportReport:
    written: list[Path] = field(default_factory=list)
    skipped: list[tuple[Stamp, str]] = field(default_factory=list)  # (stamp, reason)


def proof_file_name(stamp: Stamp) -> str:
    return (stamp.name or stamp.digest.hex()) + PROOF_SUFFIX


def export_proofs(stamps: Sequence[Stamp], out_dir: Path | None, *, force: bool) -> ExportReport:
    """Write each stamp's proof beside its original (or into ``out_dir``).

    An existing file is never overwritten unless ``force``; each write is atomic.
    """
    report = ExportReport()
    taken: set[Path] = set()
    for stamp in stamps:
        if not stamp.proof:
            report.skipped.append((stamp, "no proof yet: it is still queued"))
            continue
        folder = out_dir if out_dir is not None else (Path(stamp.folder) if stamp.folder else None)
        if folder is None:
            report.skipped.append((stamp, "no original folder is known: choose an output folder"))
            continue
        target = folder / proof_file_name(stamp)
        if target in taken:
            target = folder / f"{stamp.name or stamp.digest.hex()}-{stamp.id}{PROOF_SUFFIX}"
        if target.exists() and not force:
            report.skipped.append((stamp, f"{target} exists (use force to overwrite)"))
            continue
        try:
            _write_atomically(target, stamp.proof)
        except OSError as error:
            report.skipped.append((stamp, f"cannot write {target}: {error.strerror or error}"))
            continue
        taken.add(target)
        report.written.append(target)
    return report


def export_zip(stamps: Sequence[Stamp], archive: Path) -> ExportReport:
    """All proofs in one zip, each under a unique name."""
    report = ExportReport()
    names: set[str] = set()
    tmp = archive.with_name(archive.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for stamp in stamps:
            if not stamp.proof:
                report.skipped.append((stamp, "no proof yet: it is still queued"))
                continue
            name = proof_file_name(stamp)
            if name in names:
                name = f"{stamp.name or stamp.digest.hex()}-{stamp.id}{PROOF_SUFFIX}"
            names.add(name)
            bundle.writestr(name, stamp.proof)
    os.replace(tmp, archive)
    report.written.append(archive)
    return report


def _write_atomically(target: Path, data: bytes) -> None:
    tmp = target.with_name(f".{target.name}.part")
    try:
        with open(tmp, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
