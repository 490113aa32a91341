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

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

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
        running = 0
        self._count = []
        for flag in self._flags:
            running += flag
            self._count.append(running)

    def _index(self, day: date) -> int | None:
        i = (day - self._start).days
        return i if 0 <= i < len(self._flags) else None

    def _asked(self, first: date, last: date) -> None:
        for year in range(min(first.year, last.year), max(first.year, last.year) + 1):
            if self.source(year) == "fallback":
                self._fallback_years.add(year)

    def is_workday(self, day: date) -> bool:
        i = self._index(day)
        if i is None:
            return super().is_workday(day)
        self._asked(day, day)
        return self._flags[i]

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
