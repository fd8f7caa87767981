"""Amber's HTTP face: any ``Adapter`` over HTTP, with a websocket of its events.

``create_app`` builds the ASGI app; ``serve`` runs it with uvicorn until a stop signal.
"""

from .app import create_app
from .errors import ApiError
from .hub import CLOSE_GOING_AWAY, CLOSE_TOO_SLOW, EventHub
from .limits import ApiLimits
from .middleware import generate_token
from .openapi import openapi_document
from .server import serve

__all__ = [
    "CLOSE_GOING_AWAY",
    "CLOSE_TOO_SLOW",
    "ApiError",
    "ApiLimits",
    "EventHub",
    "create_app",
    "generate_token",
    "openapi_document",
    "serve",
]
