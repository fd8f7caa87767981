"""What the status bar shows, gathered off the GUI thread."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse


@dataclass(frozen=True)
class StatusSnapshot:
    queue_depth: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    calendars_ok: int = 0
    calendars_failing: list[str] = field(default_factory=list)
    calendars_unknown: int = 0
    calendar_errors: dict[str, str] = field(default_factory=dict)
    next_upgrade_at: float | None = None
    min_calendars: int = 1

    @property
    def pending(self) -> int:
        return self.counts.get("submitted", 0)

    @property
    def offline(self) -> bool:
        """No configured calendar answered its last request, and at least one was tried."""
        return self.calendars_ok == 0 and bool(self.calendars_failing)

    @property
    def calendar_text(self) -> str:
        total = self.calendars_ok + len(self.calendars_failing) + self.calendars_unknown
        if total == 0:
            return ""
        if not self.calendars_failing and self.calendars_ok == 0:
            return "Calendars: not contacted yet"
        return f"Calendars: {self.calendars_ok} of {total} reachable"

    @property
    def calendar_details(self) -> str:
        lines = []
        for url, error in sorted(self.calendar_errors.items()):
            lines.append(f"{_host(url)}: {error}")
        return "\n".join(lines) or "Every calendar answered its last request."


def _host(url: str) -> str:
    return urlparse(url).netloc or url


def take_snapshot(service: Any) -> StatusSnapshot:
    """Runs on a reader thread."""
    store = service.store
    counts = {str(getattr(k, "value", k)): int(v) for k, v in store.counts().items()}
    depth = int(service.queue.depth())
    settings = getattr(service, "settings", None)
    configured = tuple(getattr(settings, "calendars", ()) or ())
    min_calendars = int(getattr(settings, "min_calendars", 1) or 1)
    statuses = {status.url: status for status in store.calendar_statuses()}
    ok, failing, unknown, errors = 0, [], 0, {}
    for url in configured or tuple(statuses):
        status = statuses.get(url)
        if status is None or (status.last_ok_at is None and status.last_error_at is None):
            unknown += 1
        elif status.consecutive_failures > 0:
            failing.append(url)
            errors[url] = status.last_error or "unreachable"
        else:
            ok += 1
    next_at = service.next_upgrade_at
    if next_at is not None and next_at < time.time():
        next_at = time.time()
    return StatusSnapshot(
        queue_depth=depth,
        counts=counts,
        calendars_ok=ok,
        calendars_failing=failing,
        calendars_unknown=unknown,
        calendar_errors=errors,
        next_upgrade_at=next_at,
        min_calendars=min_calendars,
    )
