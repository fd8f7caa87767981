"""``GET /websocket``: stream the hub's messages to one client, with pings, until either ends."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import anyio
from starlette.websockets import WebSocket

from .hub import EventHub, Subscription
from .messages import PING

log = logging.getLogger(__name__)

CLOSE_TIMEOUT = 5.0  # how long a close may wait on a client that does not read


async def stream_events(websocket: WebSocket, hub: EventHub, ping_interval: float) -> None:
    await websocket.accept()
    client = f"{websocket.client.host}:{websocket.client.port}" if websocket.client else "?"
    subscription = hub.subscribe(client)
    try:
        async with anyio.create_task_group() as tasks:

            def first_to_end_stops_all(job: Callable[[], Awaitable[object]]) -> None:
                async def run() -> None:
                    await job()
                    tasks.cancel_scope.cancel()

                tasks.start_soon(run)

            first_to_end_stops_all(lambda: _send(websocket, subscription, ping_interval))
            first_to_end_stops_all(lambda: _wait_for_disconnect(websocket))
            first_to_end_stops_all(subscription.ended.wait)
    finally:
        hub.unsubscribe(subscription)
    if subscription.ended.is_set():
        with anyio.move_on_after(CLOSE_TIMEOUT):
            try:
                await websocket.close(subscription.end_code, subscription.end_reason)
            except Exception as error:  # the client may be gone already; nothing to tell it
                log.debug("closing websocket of %s: %s", client, error)


async def _send(websocket: WebSocket, subscription: Subscription, ping_interval: float) -> None:
    try:
        while True:
            try:
                message = await asyncio.wait_for(subscription.messages.get(), ping_interval)
            except TimeoutError:
                message = PING
            await websocket.send_text(message)
    except (OSError, RuntimeError) as error:  # the client left while we were sending
        log.debug("websocket send to %s ended: %s", subscription.name, error)
    except Exception as error:  # e.g. uvicorn's ClientDisconnected
        log.debug("websocket send to %s ended: %r", subscription.name, error)


async def _wait_for_disconnect(websocket: WebSocket) -> None:
    """Clients have nothing to say; reading is how we learn they left."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
