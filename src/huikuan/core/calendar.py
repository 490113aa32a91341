"""Working-day calendar: Chinese public holidays and adjusted workdays (调休).

The `chinesecalendar` package knows the State Council's holiday notices for the years up to
its release. For any other year we fall back to Monday–Friday and say so (reason
``calendar_fallback``), unless an admin has entered that year's holidays and make-up
workdays. Admin overrides always win, also over the package (a notice can be amended).

>>> cal = WorkCalendar()
>>> cal.is_workday(date(2026, 10, 1)), cal.is_workday(date(2026, 10, 10))  # 国庆; 调休 Saturday
(False, True)
>>> cal.add_workdays(date(2026, 9, 30), 1)
datetime.date(2026, 10, 8)
>>> cal.notes
()
"""

from __future__ import annotations

import calendar as _stdcal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType
from typing import Final, Literal

import chinese_calendar

from huikuan.core.reasons import Reason

REASONS: dict[str, tuple[str, str]] = {
    "calendar_fallback": (
        "{year} 年的法定节假日数据缺失，按周一至周五计算工作日；请管理员录入该年的节假日和调休上班日。",
        "No holiday data for {year}: workdays assumed Monday–Friday; an admin should enter that "
        "year's holidays and make-up workdays.",
    ),
}

LAST: Final = "last"
CloseDay = int | Literal["last"]
"""A monthly closing day (扎账日): 1–31, or ``"last"`` (stored as 0 in the ledger) for the month's end."""

CalendarSource = Literal["package", "admin", "fallback"]

# Beyond this many calendar days without a workday the override data must be wrong.
_MAX_SCAN_DAYS: Final = 366

_PKG_HOLIDAYS: Final[frozenset[date]] = frozenset(chinese_calendar.constants.holidays)
_PKG_WORKDAYS: Final[frozenset[date]] = frozenset(chinese_calendar.constants.workdays)
PACKAGE_YEARS: Final[range] = range(
    min(d.year for d in _PKG_HOLIDAYS), max(d.year for d in _PKG_HOLIDAYS) + 1
)
"""Years the installed holiday package covers (2004–2026 for chinesecalendar 1.11)."""


class CalendarError(ValueError):
    """Calendar data that cannot be right (e.g. a year with no workday at all)."""


@dataclass(frozen=True, slots=True)
class CalendarOverride:
    """An admin-entered day: a public holiday (``is_workday=False``) or a make-up workday (调休上班)."""

    day: date
    is_workday: bool
    name: str = ""


class WorkCalendar:
    """Answers "is this a workday?" and counts workdays, recording which years fell back.

    Immutable in meaning: the overrides are fixed at construction. ``notes`` lists a
    ``calendar_fallback`` reason per year that was consulted without package data and
    without admin overrides, so the caller can show it once (``calendar_note``).

    >>> cal = WorkCalendar([CalendarOverride(date(2027, 1, 1), False, "元旦")])
    >>> cal.is_workday(date(2027, 1, 1)), cal.is_workday(date(2027, 1, 4))
    (False, True)
    >>> cal.notes  # 2027 has admin data, so no fallback note
    ()
    >>> _ = cal.is_workday(date(2028, 3, 1))
    >>> [(n.code, n.params["year"]) for n in cal.notes]
    [('calendar_fallback', 2028)]
    """

    __slots__ = ("_admin_years", "_fallback_years", "_overrides")

    def __init__(self, overrides: Iterable[CalendarOverride] | Mapping[date, bool] = ()) -> None:
        if isinstance(overrides, Mapping):
            table = {d: bool(w) for d, w in overrides.items()}
        else:
            table = {o.day: o.is_workday for o in overrides}
        self._overrides: Mapping[date, bool] = MappingProxyType(table)
        self._admin_years: frozenset[int] = frozenset(d.year for d in table)
        self._fallback_years: set[int] = set()

    def source(self, year: int) -> CalendarSource:
        """Where the workdays of ``year`` come from: ``package``, ``admin`` or ``fallback``."""
        if year in self._admin_years:
            return "admin"
        if year in PACKAGE_YEARS:
            return "package"
        return "fallback"

    def is_workday(self, day: date) -> bool:
        """True on a working day: admin override, else package data, else Monday–Friday."""
        override = self._overrides.get(day)
        if override is not None:
            return override
        if day.year in PACKAGE_YEARS:
            if day in _PKG_WORKDAYS:
                return True
            return day.weekday() < 5 and day not in _PKG_HOLIDAYS
        if day.year not in self._admin_years:
            self._fallback_years.add(day.year)
        return day.weekday() < 5

    @property
    def notes(self) -> tuple[Reason, ...]:
        """``calendar_fallback`` reasons for every year consulted so far without holiday data."""
        return tuple(Reason("calendar_fallback", {"year": y}) for y in sorted(self._fallback_years))

    def notes_for(self, start: date, end: date) -> tuple[Reason, ...]:
        """The fallback notes a computation over ``start``..``end`` would raise (pure, no recording)."""
        years = range(min(start.year, end.year), max(start.year, end.year) + 1)
        return tuple(Reason("calendar_fallback", {"year": y}) for y in years if self.source(y) == "fallback")

    def next_workday(self, day: date) -> date:
        """The first workday strictly after ``day``."""
        return self._scan(day, 1)

    def previous_workday(self, day: date) -> date:
        """The last workday strictly before ``day``."""
        return self._scan(day, -1)

    def workday_on_or_after(self, day: date) -> date:
        """``day`` itself when it is a workday, else the next one (rolling forward)."""
        return day if self.is_workday(day) else self.next_workday(day)

    def workday_on_or_before(self, day: date) -> date:
        """``day`` itself when it is a workday, else the previous one (rolling back)."""
        return day if self.is_workday(day) else self.previous_workday(day)

    def add_workdays(self, day: date, n: int) -> date:
        """The ``n``-th workday after ``day`` (before it when ``n`` < 0); ``n`` = 0 gives ``day``.

        ``day`` itself is never counted, so from a holiday ``add_workdays(d, 1)`` is the next workday.

        >>> WorkCalendar().add_workdays(date(2026, 10, 9), -2)  # back over the National Day week
        datetime.date(2026, 9, 30)
        """
        step = 1 if n > 0 else -1
        current = day
        for _ in range(abs(n)):
            current = self._scan(current, step)
        return current

    def workdays_between(self, start: date, end: date) -> int:
        """Workdays from ``start`` (excluded) to ``end`` (included), negative when ``end`` is earlier.

        The inverse of add_workdays: ``workdays_between(d, add_workdays(d, n)) == n``.
        The 8th, 9th, Saturday 10th (调休) and 12th after the National Day week:

        >>> WorkCalendar().workdays_between(date(2026, 9, 30), date(2026, 10, 12))
        4
        """
        step, sign = (timedelta(days=1), 1) if end >= start else (timedelta(days=-1), -1)
        count = 0
        current = start
        while current != end:
            current += step
            count += self.is_workday(current)
        return sign * count

    def _scan(self, day: date, step: int) -> date:
        current = day
        for _ in range(_MAX_SCAN_DAYS):
            current += timedelta(days=step)
            if self.is_workday(current):
                return current
        raise CalendarError(f"no workday within {_MAX_SCAN_DAYS} days of {day.isoformat()}")


def add_months(day: date, months: int) -> date:
    """Same day-of-month ``months`` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb).

    >>> add_months(date(2026, 1, 31), 1), add_months(date(2026, 3, 31), -1)
    (datetime.date(2026, 2, 28), datetime.date(2026, 2, 28))
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = _stdcal.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    """Same date ``years`` later; 29 February becomes 28 February in a common year (arts. 201–202).

    >>> add_years(date(2024, 2, 29), 3)
    datetime.date(2027, 2, 28)
    """
    return add_months(day, 12 * years)


def close_date(year: int, month: int, close_day: CloseDay) -> date:
    """The date of a monthly closing day (扎账日) in a month; days past the month's end clamp to it.

    >>> close_date(2026, 2, 30), close_date(2026, 4, LAST), close_date(2026, 4, 25)
    (datetime.date(2026, 2, 28), datetime.date(2026, 4, 30), datetime.date(2026, 4, 25))
    >>> close_date(2026, 2, 0)  # the ledger stores 月末 as 0
    datetime.date(2026, 2, 28)
    """
    last = _stdcal.monthrange(year, month)[1]
    if close_day in (LAST, 0):
        return date(year, month, last)
    if not isinstance(close_day, int) or not 1 <= close_day <= 31:
        raise ValueError(f"closing day must be 1–31 or 'last', got {close_day!r}")
    return date(year, month, min(close_day, last))


_LAST_WORDS: Final = frozenset({"last", "月末", "月底", "每月最后一天", "最后一天"})


def parse_close_day(text: str | int) -> CloseDay:
    """Read a closing day as typed in imports: ``25``, ``25日``, ``每月25号``, ``月末``, ``last``.

    >>> parse_close_day("每月25日"), parse_close_day("月末"), parse_close_day(5)
    (25, 'last', 5)
    """
    if isinstance(text, int):
        value = text
    else:
        cleaned = text.strip().lower()
        if cleaned in _LAST_WORDS:
            return LAST
        cleaned = cleaned.removeprefix("每月").removesuffix("日").removesuffix("号").strip()
        if not cleaned.isdigit():
            raise ValueError(f"not a closing day (expected 1–31 or 月末/last): {text!r}")
        value = int(cleaned)
    if not 1 <= value <= 31:
        raise ValueError(f"closing day must be 1–31 or 月末/last, got {text!r}")
    return value
