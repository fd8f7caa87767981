"""create_app: the HTTP face of any ``Adapter`` (the fossilizerhttp of the model)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from ..fossilizer import Adapter
from ..storage import StampStore
from .errors import ApiError
from .hub import EventHub
from .limits import ApiLimits
from .middleware import BearerAuth, BodyLimit
from .openapi import openapi_document
from .routes import Endpoints
from .websocket import stream_events


def create_app(
    adapter: Adapter,
    *,
    token: str,
    store: StampStore | None = None,
    limits: ApiLimits | None = None,
    cors_origins: Sequence[str] = (),
) -> Starlette:
    """An ASGI app serving ``adapter``. ``store`` enables ``GET /fossils/{id}``; without
    ``cors_origins`` no cross-origin browser request is allowed. ``app.state.hub`` is the
    event hub (started and stopped by the app's lifespan)."""
    limits = limits or ApiLimits()
    hub = EventHub(adapter, buffer=limits.ws_buffer)
    endpoints = Endpoints(
        adapter, store, limits, openapi_document(limits, has_history=store is not None)
    )

    async def websocket(ws: WebSocket) -> None:
        await stream_events(ws, hub, limits.ws_ping_interval)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await hub.start()
        try:
            yield
        finally:
            await hub.stop()

    middleware = [
        Middleware(BearerAuth, token=token),
        Middleware(BodyLimit, max_bytes=limits.max_body_bytes),
    ]
    if cors_origins:
        cors = Middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
        middleware.insert(0, cors)  # outermost: preflight requests carry no token
    app = Starlette(
        routes=[
            Route("/", endpoints.info, methods=["GET"]),
            Route("/fossils", endpoints.create_fossil, methods=["POST"]),
            Route("/fossils/{fossil_id}", endpoints.get_fossil, methods=["GET"]),
            Route("/openapi.json", endpoints.openapi_document, methods=["GET"]),
            WebSocketRoute("/websocket", websocket),
        ],
        middleware=middleware,
        exception_handlers={ApiError: _api_error, HTTPException: _http_error},
        lifespan=lifespan,
    )
    app.state.hub = hub
    return app


async def _api_error(_request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return error.response()


async def _http_error(_request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    return JSONResponse(
        {"error": error.detail}, status_code=error.status_code, headers=error.headers
    )
