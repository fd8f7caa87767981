"""Plain words for sizes, times and stamp states."""

from __future__ import annotations

import datetime as _dt
from typing import Any

STATE_LABELS = {
    "hashing": "Hashing",
    "queued": "Queued",
    "submitted": "Submitted — waiting for Bitcoin",
    "confirmed": "Confirmed in Bitcoin",
    "failed": "Failed",
}

STATE_COLOURS = {  # muted, readable on light and dark palettes
    "hashing": "#8a8f98",
    "queued": "#8a8f98",
    "submitted": "#d98e04",
    "confirmed": "#2e9d57",
    "failed": "#d64545",
}


def human_size(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"
    return f"{size} B"


def local_time(timestamp: float | None) -> str:
    if timestamp is None:
        return ""
    moment = _dt.datetime.fromtimestamp(timestamp).astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


def utc_time(timestamp: float | None) -> str:
    if timestamp is None:
        return ""
    moment = _dt.datetime.fromtimestamp(timestamp, _dt.UTC)
    return moment.strftime("%-d %B %Y at %H:%M UTC")


def state_value(stamp: Any) -> str:
    state = getattr(stamp, "state", "")
    return str(getattr(state, "value", state))


def state_text(stamp: Any) -> str:
    state = state_value(stamp)
    label = STATE_LABELS.get(state, state.capitalize())
    error = getattr(stamp, "last_error", None)
    if state == "failed" and error:
        return f"Failed: {error}"
    if state == "queued" and error:
        return "Queued — will retry"
    return label


def relative_time(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return "in under a minute"
    minutes = seconds // 60
    if minutes < 60:
        return f"in {minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"in {hours} h {minutes:02d} min"
