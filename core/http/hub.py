"""EventHub: every adapter event, once serialized, to every websocket subscriber.

The adapter publishes from its own threads into a ``queue.Queue`` channel. A bridge thread
reads that channel, serializes each event and hands it to the event loop with
``loop.call_soon_threadsafe``; there it is offered to each subscriber's bounded queue. A
subscriber whose queue is full is ended (it is too slow), so no client can make the server hold
more than ``buffer`` messages for it.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading

from ..fossilizer import Adapter, Event
from .messages import event_message

log = logging.getLogger(__name__)

CLOSE_GOING_AWAY = 1001
CLOSE_TOO_SLOW = 1008  # policy violation: the client does not read its events
_STOP = Event("amber.http.hub.stop")


class Subscription:
    """One client's bounded queue of messages, and why it ended (``end_code``) once it did."""

    def __init__(self, buffer: int, name: str) -> None:
        self.name = name
        self.messages: asyncio.Queue[str] = asyncio.Queue(maxsize=buffer)
        self.ended = asyncio.Event()
        self.end_code = 0
        self.end_reason = ""

    def offer(self, message: str) -> None:
        if self.ended.is_set():
            return
        try:
            self.messages.put_nowait(message)
        except asyncio.QueueFull:
            self.end(CLOSE_TOO_SLOW, "too slow: send buffer full")
            log.warning(
                "websocket client %s is too slow (%d events waiting); disconnecting it",
                self.name,
                self.messages.maxsize,
            )

    def end(self, code: int, reason: str) -> None:
        if not self.ended.is_set():
            self.end_code, self.end_reason = code, reason
            self.ended.set()


class EventHub:
    """Subscribe websocket clients to an adapter's events. ``start``/``stop`` run in the loop."""

    def __init__(self, adapter: Adapter, *, buffer: int) -> None:
        self.adapter = adapter
        self.buffer = buffer
        self._subscriptions: set[Subscription] = set()
        self._channel: queue.Queue[Event] | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def subscribers(self) -> int:
        return len(self._subscriptions)

    @property
    def running(self) -> bool:
        return self._thread is not None

    async def start(self) -> None:
        if self._thread is not None:
            return
        self._loop = asyncio.get_running_loop()
        self._channel = queue.Queue()
        self.adapter.add_fossilizer_event_chan(self._channel)
        self._thread = threading.Thread(
            target=self._bridge, args=(self._channel, self._loop), name="amber-http-events"
        )
        self._thread.daemon = True
        self._thread.start()

    async def stop(self) -> None:
        """Unregister from the adapter first (nothing is published into a dead channel), let the
        bridge deliver what was already published, then end every subscription."""
        thread, channel = self._thread, self._channel
        if thread is None or channel is None:
            return
        self.adapter.remove_fossilizer_event_chan(channel)
        channel.put(_STOP)
        await asyncio.to_thread(thread.join)
        self._thread = self._channel = None
        for subscription in list(self._subscriptions):
            subscription.end(CLOSE_GOING_AWAY, "server shutting down")

    def subscribe(self, name: str) -> Subscription:
        subscription = Subscription(self.buffer, name)
        self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)

    def _bridge(self, channel: queue.Queue[Event], loop: asyncio.AbstractEventLoop) -> None:
        while True:
            event = channel.get()
            if event is _STOP:
                return
            try:
                message = event_message(event)
            except Exception:  # a broken event must not stop the stream for the others
                log.exception("cannot serialize event %r; skipped", event.event_type)
                continue
            try:
                loop.call_soon_threadsafe(self._fan_out, message)
            except RuntimeError:  # the loop closed under us: nobody is left to send to
                return

    def _fan_out(self, message: str) -> None:
        for subscription in list(self._subscriptions):
            subscription.offer(message)
