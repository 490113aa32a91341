"""A `WorkCalendar` that answers from a precomputed table: the same answers, in O(1).

The timing engine counts workdays day by day; thousands of distinct timing questions in one run
would walk the same years again and again. `TabledCalendar` asks the ordinary calendar once per
day of a window around as_of and keeps the answers and their running count. It records the
years it is asked about exactly as the ordinary calendar would, so the run's calendar note
(`calendar_fallback`) is unchanged.

>>> from datetime import date
>>> fast = TabledCalendar(date(2026, 1, 1), date(2027, 12, 31))
>>> fast.workdays_between(date(2026, 9, 30), date(2026, 10, 12))
4
>>> fast.notes  # nothing asked about 2027 yet
()
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from itertools import accumulate

from huikuan.core.calendar import CalendarOverride, WorkCalendar


class TabledCalendar(WorkCalendar):
    """`WorkCalendar` with a lookup table for the days from ``start`` to ``end``."""

    def __init__(
        self,
        start: date,
        end: date,
        overrides: Iterable[CalendarOverride] | Mapping[date, bool] = (),
    ) -> None:
        super().__init__(overrides)
        self._start = start
        days = (end - start).days + 1
        self._flags = [super(TabledCalendar, self).is_workday(start + timedelta(days=i)) for i in range(days)]
        # Filling the table consulted every year in it: forget that, record real questions only.
        self._fallback_years.clear()
        self._fallback_in_table = frozenset(
            year for year in range(start.year, end.year + 1) if self.source(year) == "fallback"
        )
        # _count[i]: workdays from start to start + i, both included (non-decreasing, so bisectable).
        self._count = list(accumulate(self._flags))

    def _index(self, day: date) -> int | None:
        i = (day - self._start).days
        return i if 0 <= i < len(self._flags) else None

    def _asked(self, first: date, last: date) -> None:
        """Record the fallback years among those of ``first``..``last`` (as asking each day would)."""
        low, high = min(first.year, last.year), max(first.year, last.year)
        if low == high:
            if low in self._fallback_in_table:
                self._fallback_years.add(low)
            return
        for year in range(low, high + 1):
            if self.source(year) == "fallback":
                self._fallback_years.add(year)

    def is_workday(self, day: date) -> bool:
        i = self._index(day)
        if i is None:
            return super().is_workday(day)
        self._asked(day, day)
        return self._flags[i]

    def _scan(self, day: date, step: int) -> date:
        """The next (``step`` 1) or previous (``step`` -1) workday, found in the running count."""
        i = self._index(day)
        if i is not None:
            if step > 0:
                j = bisect_left(self._count, self._count[i] + 1)  # the first day with one more workday
            else:
                before = self._count[i] - self._flags[i]  # workdays strictly before ``day``
                j = bisect_left(self._count, before) if before > 0 else len(self._count)
            if j < len(self._count):
                found = self._start + timedelta(days=j)
                self._asked(day + timedelta(days=step), found)
                return found
        return super()._scan(day, step)

    def add_workdays(self, day: date, n: int) -> date:
        i = self._index(day)
        if n and i is not None:
            # The n-th workday after ``day`` is the first day whose running count reaches count + n;
            # the n-th before it, the first day whose count reaches (workdays before ``day``) - |n| + 1.
            target = self._count[i] + n if n > 0 else self._count[i] - self._flags[i] + n + 1
            j = bisect_left(self._count, target) if target > 0 else len(self._count)
            if j < len(self._count):
                found = self._start + timedelta(days=j)
                self._asked(day + timedelta(days=1 if n > 0 else -1), found)
                return found
        return super().add_workdays(day, n)

    def workdays_between(self, start: date, end: date) -> int:
        if start == end:
            return 0
        if end > start:
            a, b = self._index(start), self._index(end)
            if a is None or b is None:
                return super().workdays_between(start, end)
            self._asked(start + timedelta(days=1), end)
            return self._count[b] - self._count[a]
        a, b = self._index(start - timedelta(days=1)), self._index(end)
        if a is None or b is None or b == 0:
            return super().workdays_between(start, end)
        self._asked(end, start - timedelta(days=1))
        return -(self._count[a] - self._count[b - 1])
