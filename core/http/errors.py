"""Errors the API answers with, and how an adapter's exceptions map onto HTTP statuses."""

from __future__ import annotations

import logging

from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.responses import JSONResponse

from ..storage import StorageError

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An answer other than 200, with a message a person can act on."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def response(self) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else None
        return JSONResponse({"error": self.message}, status_code=self.status, headers=headers)


def adapter_failure(error: Exception) -> ApiError:
    """What the client hears when the adapter raised ``error``."""
    if isinstance(error, ValueError):
        # Adapters validate what they accept (OtsAdapter: 32-byte digests only).
        return ApiError(400, str(error))
    if isinstance(error, DataError):
        return ApiError(400, f"the history cannot store this fossil: {_first_line(error)}")
    if isinstance(error, OperationalError | InterfaceError | PoolTimeoutError | StorageError):
        log.warning("storage unavailable: %s", _first_line(error))
        return ApiError(503, "storage unavailable; the fossil was not queued, try again later")
    if isinstance(error, DBAPIError):
        log.error("storage failed: %s", _first_line(error))
        return ApiError(503, "storage failed; the fossil was not queued, try again later")
    log.error("adapter failed", exc_info=error)
    return ApiError(500, f"the fossilizer failed ({type(error).__name__}); nothing was queued")


def _first_line(error: Exception) -> str:
    text = str(getattr(error, "orig", None) or error)
    return text.splitlines()[0] if text else type(error).__name__
