"""Group commit: concurrent ``POST /fossils`` share one database transaction.

Each fossil is still durably queued before its 200 is sent; the requests that arrive while one
transaction commits simply ride in the next one, so a burst costs a few fsyncs, not one each.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from starlette.concurrency import run_in_threadpool

from ..fossilizer import Adapter, BatchAdapter

MAX_GROUP = 500  # fossils committed in one transaction at most

Outcome = int | Exception


class GroupCommit:
    def __init__(self, adapter: Adapter, *, max_group: int = MAX_GROUP) -> None:
        self.adapter = adapter
        self.max_group = max_group
        self._waiting: list[tuple[bytes, bytes, asyncio.Future[int]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def fossilize(self, data: bytes, meta: bytes) -> int:
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiting.append((data, meta, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        while self._waiting:
            group = self._waiting[: self.max_group]
            del self._waiting[: self.max_group]
            try:
                outcomes = await run_in_threadpool(self._commit, [(d, m) for d, m, _ in group])
            except Exception as error:  # the thread pool itself failed: nobody got an id
                outcomes = [error] * len(group)
            for (_, _, future), outcome in zip(group, outcomes, strict=True):
                if future.done():
                    continue  # the client went away; the fossil is queued all the same
                if isinstance(outcome, Exception):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)

    def _commit(self, items: Sequence[tuple[bytes, bytes]]) -> list[Outcome]:
        if isinstance(self.adapter, BatchAdapter) and len(items) > 1:
            try:
                return list(self.adapter.fossilize_batch(items))
            except Exception:
                pass  # one bad item fails the whole transaction: retry alone to tell which
        return [self._one(data, meta) for data, meta in items]

    def _one(self, data: bytes, meta: bytes) -> Outcome:
        try:
            return self.adapter.fossilize(data, meta)
        except Exception as error:
            return error
