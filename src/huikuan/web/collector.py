"""Garbage collection in the web server's processes: long-lived objects out of the collector's way.

A full collection walks every object a process tracks. In a worker that is about 180,000 objects —
Django's URL patterns and compiled templates, the latest run's summary — and takes about 100 ms on
the mid portfolio, during which none of the worker's threads answers: the slowest requests were
those that met one. Frozen objects (`gc.freeze`) are left out of every later collection. The server
freezes what it has loaded before it starts its workers (`before_fork`); each worker freezes again
once settled — after its 1st, 10th, 100th and 1000th request (templates compiled, caches filled) —
and after it has taken in a new daily run (`Settler.after_request`).
"""

from __future__ import annotations

import gc
import threading
from typing import Any

from huikuan.analytics.models import cached_runs

SETTLE_AFTER = frozenset({1, 10, 100, 1000})


def before_fork() -> None:
    """Load the views, collect once and freeze what is left: it is shared by every worker."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    gc.collect()
    gc.freeze()


class Settler:
    """Freezes a worker's long-lived objects once they are in (a gunicorn ``post_request`` hook)."""

    def __init__(self) -> None:
        self.served = 0
        self.runs: tuple[Any, ...] = ()
        self._lock = threading.Lock()

    def after_request(self) -> bool:
        """Count one request; freeze when settled or after a new run came in. True when it froze."""
        with self._lock:
            self.served += 1
            runs = cached_runs()
            if self.served not in SETTLE_AFTER and runs == self.runs:
                return False
            self.runs = runs
            gc.freeze()
            return True

    def post_request(self, _worker: Any, _req: Any, _environ: Any, _resp: Any) -> None:
        self.after_request()
