"""Sliding-window rate limits, shared by the client (which waits) and the local server (which refuses).

Productive counts requests per token (100 per 10 s) and per organisation (4,000 per 30 min), spec §4.8. A
sliding window of timestamps is exact where a token bucket would only approximate those rules. The server
counts per token and per organisation, not per client object, so every client of one token (and one
organisation) in a process draws from the same windows (``shared_limiter``).
"""

from __future__ import annotations

import hashlib
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

#: Productive's documented limits (spec §4.8): requests per token, and per organisation, and window seconds.
TOKEN_LIMIT = (100, 10.0)
ORG_LIMIT = (4000, 1800.0)


@dataclass(slots=True)
class Slot:
    """One counted request; the client moves ``at`` to the response time, which is never earlier than
    the moment the server counted it, so the client cannot run ahead of the server's window."""

    at: float


class SlidingWindow:
    """At most ``limit`` events in any ``period`` seconds. Not locked: callers hold their own lock."""

    def __init__(self, limit: int, period: float, scope: str = "") -> None:
        if limit < 1 or period <= 0:
            raise ValueError(f"a rate limit needs a positive count and period, not {limit}/{period}")
        self.limit = limit
        self.period = period
        #: Whose requests it counts ("token", "organisation"), for what a long wait tells the user.
        self.scope = scope
        self._slots: deque[Slot] = deque()

    def wait_time(self, now: float) -> float:
        """Seconds until one more event fits (0.0 when it fits now)."""
        if len(self._slots) < self.limit:
            return 0.0
        self._slots = deque(slot for slot in self._slots if slot.at + self.period > now)
        if len(self._slots) < self.limit:
            return 0.0
        return min(slot.at for slot in self._slots) + self.period - now

    def add(self, slot: Slot) -> None:
        """Count an event."""
        self._slots.append(slot)


class RateLimiter:
    """Several windows that must all have room; thread-safe. ``windows`` may be shared with other limiters
    (``shared_limiter``), which then pass the same ``lock`` too."""

    def __init__(self, *limits: tuple[int, float], clock: Callable[[], float] = time.monotonic,
                 windows: list[SlidingWindow] | None = None, lock: threading.Lock | None = None) -> None:
        self.windows = [SlidingWindow(count, period) for count, period in limits] + list(windows or [])
        self._clock = clock
        self._lock = lock or threading.Lock()
        self.waited = 0.0

    def try_acquire(self) -> tuple[Slot | None, float, SlidingWindow | None]:
        """Take a slot if every window has room: ``(slot, 0.0, None)``; else ``(None, wait, full window)``."""
        with self._lock:
            now = self._clock()
            waits = [(window.wait_time(now), window) for window in self.windows]
            wait, window = max(waits, key=lambda pair: pair[0], default=(0.0, None))
            if wait > 0:
                return None, wait, window
            slot = Slot(now)
            for each in self.windows:
                each.add(slot)
            return slot, 0.0, None

    def acquire(self, on_wait: Callable[[float, SlidingWindow | None], None] | None = None) -> Slot:
        """Block until every window has room, then take a slot; ``on_wait(seconds, full window)`` is told
        before each wait."""
        while True:
            slot, wait, window = self.try_acquire()
            if slot is not None:
                return slot
            with self._lock:
                self.waited += wait
            if on_wait is not None:
                on_wait(wait, window)
            time.sleep(wait)

    def release(self, slot: Slot) -> None:
        """Mark the slot's request as answered: its window time starts now (see ``Slot``)."""
        with self._lock:
            slot.at = max(slot.at, self._clock())


#: Windows in use by some client, by (scope, digest of server and token or organisation, limit, period); a
#: window goes away with the last client using it. The digest keeps the token itself out of the keys.
_shared_windows: weakref.WeakValueDictionary[tuple[str, str, int, float], SlidingWindow] = (
    weakref.WeakValueDictionary())
#: One lock for every shared window: a slot is taken in the token's and the organisation's window at once.
_shared_lock = threading.Lock()


def shared_limiter(base_url: str, token: str, org_id: str, rate_limit: tuple[int, float],
                   org_rate_limit: tuple[int, float]) -> RateLimiter:
    """A limiter whose per-token window is shared by every limiter of the same server and token, and whose
    per-organisation window by every limiter of the same server and organisation (with the same limits)."""
    server = base_url.rstrip("/")
    keys = [("token", _digest(server, token), *rate_limit),
            ("organisation", _digest(server, org_id), *org_rate_limit)]
    windows = []
    with _shared_lock:
        for key in keys:
            window = _shared_windows.get(key)
            if window is None:
                window = _shared_windows[key] = SlidingWindow(key[2], key[3], key[0])
            windows.append(window)
    return RateLimiter(windows=windows, lock=_shared_lock)


def _digest(server: str, secret: str) -> str:
    return hashlib.sha256(f"{server}\0{secret}".encode()).hexdigest()


def parse_limit(text: str) -> tuple[int, float]:
    """``"100/10"`` -> ``(100, 10.0)``; raises ``ValueError`` with a readable message."""
    count, sep, period = text.partition("/")
    try:
        limit = (int(count), float(period))
    except ValueError:
        limit = (0, 0.0)
    if not sep or limit[0] < 1 or limit[1] <= 0:
        raise ValueError(f"rate limit must look like N/SECONDS (e.g. 100/10), not {text!r}")
    return limit
