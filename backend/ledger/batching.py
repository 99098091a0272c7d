"""Gathering concurrent callers' transfers into batches, so a hot account is locked once per batch
instead of once per transfer.

The first call after a quiet spell waits WINDOW_S for others to join; while a batch is being
applied the next one fills up, and starts as soon as the first commits. A batch holds at most
MAX_BATCH transfers (whole calls: a caller's chain is never split). Each caller's future gets its
own call's results, or the batch's exception (nothing of that batch was written).
"""

import asyncio
import contextlib
import weakref
from collections import deque
from collections.abc import Awaitable, Callable

from backend.ledger.results import Result, TransferSpec

ApplyBatch = Callable[[list[list[TransferSpec]]], Awaitable[list[list[Result]]]]

WINDOW_S = 0.002
MAX_BATCH = 2000


class Batcher:
    def __init__(self, apply_batch: ApplyBatch, *, window_s: float = WINDOW_S, max_batch: int = MAX_BATCH) -> None:
        self.apply_batch, self.window_s, self.max_batch = apply_batch, window_s, max_batch
        self._waiting: deque[tuple[list[TransferSpec], asyncio.Future]] = deque()
        self._count = 0
        self._full = asyncio.Event()
        self._runner: asyncio.Task | None = None

    async def submit(self, transfers: list[TransferSpec]) -> list[Result]:
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((transfers, future))
        self._count += len(transfers)
        if self._count >= self.max_batch:
            self._full.set()
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._run())
        return await future

    async def _run(self) -> None:
        if self._count < self.max_batch:
            with contextlib.suppress(TimeoutError):  # the window passed before the batch was full
                await asyncio.wait_for(self._full.wait(), self.window_s)
        while self._waiting:
            batch, size = [], 0
            while self._waiting and (not batch or size + len(self._waiting[0][0]) <= self.max_batch):
                batch.append(self._waiting.popleft())
                size += len(batch[-1][0])
            self._count -= size
            self._full.clear()
            try:
                results = await self.apply_batch([transfers for transfers, _ in batch])
            except Exception as error:  # noqa: BLE001 - handed to every caller of the batch
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
            else:
                for (_, future), result in zip(batch, results, strict=True):
                    if not future.done():  # a caller that gave up; its transfers stand
                        future.set_result(result)


_batchers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def batcher(apply_batch: ApplyBatch) -> Batcher:
    """The batcher of the running event loop (one per process in production, one per test's loop)."""
    loop = asyncio.get_running_loop()
    if loop not in _batchers:
        _batchers[loop] = Batcher(apply_batch)
    return _batchers[loop]
