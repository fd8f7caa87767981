"""What the desktop needs from amber.core.service.AmberService (structural: tests fake it)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol


class ServiceLike(Protocol):
    settings: Any
    store: Any  # amber.core.storage.StampStore
    queue: Any  # amber.core.storage.SqlFossilsQueue
    adapter: Any  # amber.core.Adapter (events)
    upgrader: Any  # has next_run_at, run_once(), trigger()

    def start(self) -> None: ...

    def stop(self, timeout: float = 10.0) -> None: ...

    def stamp(self, items: Sequence[Any]) -> list[Any]: ...

    def verify(
        self, proof: bytes, *, file: Path | None = None, digest: bytes | None = None
    ) -> Any: ...

    def import_proof(self, proof: bytes, *, file: Path | None = None, name: str = "") -> Any: ...

    def export(
        self, stamp_ids: Sequence[int] | None, out_dir: Path | None, *, force: bool = False
    ) -> Any: ...


def new_stamp(digest: bytes, name: str, folder: str, size: int | None) -> Any:
    """An amber.core.storage.NewStamp whose meta travels with the fossil, as the CLI's does."""
    from amber.core.storage import NewStamp

    meta = json.dumps({"name": name, "folder": folder, "size": size}).encode()
    return NewStamp(digest=digest, meta=meta, name=name, folder=folder, size=size)
