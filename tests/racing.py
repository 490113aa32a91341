"""Run the same operation from several threads at once (each with its own database connection)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections


def race(target: Callable[[int], object], n: int) -> list[object]:
    """Start ``target(i)`` in ``n`` threads released together; return results or the exceptions raised."""
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as exc:  # collected and asserted by the caller
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results
