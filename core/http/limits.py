"""The bounds an Amber HTTP server enforces, in one place."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MIN_DATA_HEX = 32
DEFAULT_MAX_DATA_HEX = 64
DEFAULT_MAX_BODY_BYTES = 64 * 1024
DEFAULT_WS_BUFFER = 256  # events waiting for one websocket client before it counts as too slow
DEFAULT_WS_PING_INTERVAL = 20.0


@dataclass(frozen=True)
class ApiLimits:
    """``min_data_hex``/``max_data_hex``: accepted length of a fossil's hex data (even counts);
    ``max_body_bytes``: largest request body; ``ws_buffer``: events queued per websocket client;
    ``ws_ping_interval``: seconds of silence after which a client gets a ``Ping`` message."""

    min_data_hex: int = DEFAULT_MIN_DATA_HEX
    max_data_hex: int = DEFAULT_MAX_DATA_HEX
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    ws_buffer: int = DEFAULT_WS_BUFFER
    ws_ping_interval: float = DEFAULT_WS_PING_INTERVAL

    def __post_init__(self) -> None:
        if not 2 <= self.min_data_hex <= self.max_data_hex:
            raise ValueError("need 2 <= min_data_hex <= max_data_hex")
        if self.min_data_hex % 2 or self.max_data_hex % 2:
            raise ValueError("min_data_hex and max_data_hex must be even (two per byte)")
        if self.max_body_bytes < self.max_data_hex + 64:
            raise ValueError("max_body_bytes is too small to carry the largest data")
        if self.ws_buffer < 1:
            raise ValueError("ws_buffer must be at least 1")
        if self.ws_ping_interval <= 0:
            raise ValueError("ws_ping_interval must be positive")

    @property
    def max_meta_chars(self) -> int:
        """Meta that certainly fits in a body next to the largest data."""
        return max(0, (self.max_body_bytes - self.max_data_hex - 64) // 6)
