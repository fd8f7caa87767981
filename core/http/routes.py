"""The HTTP endpoints: ``GET /``, ``POST /fossils``, ``GET /fossils/{id}``, the OpenAPI document."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from ..fossilizer import Adapter
from ..storage import StampStore
from .errors import ApiError, adapter_failure
from .group_commit import GroupCommit
from .limits import ApiLimits
from .messages import stamp_json
from .validation import parse_fossil_request

MAX_FOSSIL_ID = 2**63 - 1  # the database's BIGINT


class Endpoints:
    """Handlers bound to one adapter (and, when there is one, its stamp history)."""

    def __init__(
        self, adapter: Adapter, store: StampStore | None, limits: ApiLimits, openapi: dict[str, Any]
    ) -> None:
        self.adapter = adapter
        self.store = store
        self.limits = limits
        self.openapi = openapi
        self.group_commit = GroupCommit(adapter)

    async def info(self, request: Request) -> JSONResponse:
        try:
            info = await run_in_threadpool(self.adapter.get_info)
        except Exception as error:
            raise adapter_failure(error) from error
        return JSONResponse({"adapter": info})

    async def create_fossil(self, request: Request) -> JSONResponse:
        fossil = parse_fossil_request(await request.body(), self.limits)
        try:
            # This returns once the fossil is durably queued: a 200 is never lost.
            fossil_id = await self.group_commit.fossilize(fossil.data, fossil.meta)
        except Exception as error:
            raise adapter_failure(error) from error
        return JSONResponse({"id": fossil_id})

    async def get_fossil(self, request: Request) -> JSONResponse:
        if self.store is None:
            raise ApiError(501, "this server keeps no fossil history; watch /websocket instead")
        fossil_id = _fossil_id(request.path_params["fossil_id"])
        try:
            stamp = await run_in_threadpool(self.store.by_fossil_id, fossil_id)
        except Exception as error:
            raise adapter_failure(error) from error
        if stamp is None:
            raise ApiError(404, f"no fossil with id {fossil_id}")
        return JSONResponse(stamp_json(stamp))

    async def openapi_document(self, request: Request) -> JSONResponse:
        return JSONResponse(self.openapi)


def _fossil_id(text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        raise ApiError(400, "a fossil id is a positive whole number")
    value = int(text)
    if not 1 <= value <= MAX_FOSSIL_ID:
        raise ApiError(400, "a fossil id is a positive whole number")
    return value
