"""A small bounded, expiring, thread-safe in-process cache.

When full it evicts the entry written longest ago: a write (``set``, ``incr``) makes its key the
newest, a read does not. That is not least-recently-used order, on purpose: keeping it would cost
every hit a reorder under the lock, and the JWT path reads this cache on every request.

Used for verdicts that are safe to lose and cheap to recompute, and for the throttles' counters
while their shared cache is down; never for anything that must be consistent across workers."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Generic, TypeVar

V = TypeVar("V")


class BoundedCache(Generic[V]):
    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[str, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, now: float | None = None) -> V | None:
        item = self._data.get(key)
        if item is None:
            return None
        expires, value = item
        if expires <= (time.monotonic() if now is None else now):
            with self._lock:
                self._data.pop(key, None)
            return None
        return value

    def set(self, key: str, value: V, ttl: float) -> None:
        if self.maxsize <= 0 or ttl <= 0:
            return
        with self._lock:
            self._data[key] = (time.monotonic() + ttl, value)
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def incr(self: BoundedCache[int], key: str, ttl: float) -> int:
        """Add one to the count under ``key`` and return it. A new count lives ``ttl`` seconds; an
        existing one keeps its expiry, so a fixed window is never stretched by the hits in it."""
        now = time.monotonic()
        with self._lock:
            item = self._data.get(key)
            expires, value = (now + ttl, 0) if item is None or item[0] <= now else item
            value += 1
            self._data[key] = (expires, value)
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return value

    def pop(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)
