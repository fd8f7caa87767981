"""Two ASGI middlewares: a bearer token on every request, and a cap on request bodies."""

from __future__ import annotations

import hmac
import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import ApiError

CLOSE_POLICY_VIOLATION = 1008


def generate_token() -> str:
    return secrets.token_urlsafe(32)


class BearerAuth:
    """Every HTTP request and websocket needs ``Authorization: Bearer <token>``; a websocket
    without it is refused before the handshake completes (the client sees HTTP 403)."""

    def __init__(self, app: ASGIApp, *, token: str) -> None:
        if not token:
            raise ValueError("an API token is needed")
        self.app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self._authorized(scope):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": CLOSE_POLICY_VIOLATION})
            return
        error = ApiError(401, "missing or wrong bearer token (Authorization: Bearer <token>)")
        await error.response()(scope, receive, send)

    def _authorized(self, scope: Scope) -> bool:
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                return hmac.compare_digest(value, self._expected)
        return False


class BodyLimit:
    """Refuse bodies over ``max_bytes`` with 413: at once when Content-Length says so, else as
    soon as the streamed body passes the cap. The app receives the body already read."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = ApiError(413, f"request body is larger than {self.max_bytes} bytes")
        if self._declared_length(scope) > self.max_bytes:
            await too_large.response()(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await too_large.response()(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    @staticmethod
    def _declared_length(scope: Scope) -> int:
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    return int(value)
                except ValueError:
                    return 0
        return 0


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
