"""Availability of a contact (method step C4, 关键人活动规律): weekly windows read from free text.

Sales staff write when a contact can be reached the way they would say it — ``周二、周四 9:00-11:30``,
``周一至周五 下午``, ``Mon, Wed 9:00-12:00`` — and the timing engine (timing.py) needs weekday and
time ranges to land the ask on a day the contact is in. Text that cannot be read raises
`AvailabilityError` naming the part not understood, so a typo never becomes "always available".

>>> windows = parse_availability("周二、周四 9:00-11:30")
>>> [(w.weekday, w.times) for w in windows]
[(1, '09:00-11:30'), (3, '09:00-11:30')]
>>> format_windows(windows, "en")
'Tue 09:00-11:30; Thu 09:00-11:30'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import Final, Literal

# The parser emits no reason codes: unreadable text raises AvailabilityError for the form to show.
# The codes about a contact's availability (contact_available, availability_unknown, …) belong to
# timing.py, which uses the windows.
REASONS: dict[str, tuple[str, str]] = {}

_WEEKDAY_ZH: Final = "一二三四五六日"
_WEEKDAY_EN: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Days named without hours mean office hours; a bare 上午/下午 means the usual half day.
OFFICE_HOURS: Final = (time(9, 0), time(18, 0))
HALF_DAYS: Final = {"上午": (time(9, 0), time(12, 0)), "下午": (time(14, 0), time(18, 0))}


class AvailabilityError(ValueError):
    """Availability text that cannot be read; the message names the part not understood."""


@dataclass(frozen=True, slots=True, order=True)
class AvailabilityWindow:
    """A weekly work window of a contact: weekday (0 = Monday) and a time range."""

    weekday: int
    start: time
    end: time

    @property
    def times(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def format_windows(windows: tuple[AvailabilityWindow, ...], lang: Literal["zh", "en"] = "zh") -> str:
    """Canonical text of windows, readable back by parse_availability.

    >>> format_windows(parse_availability("Tue, Thu 9:00-11:30"))
    '周二 09:00-11:30；周四 09:00-11:30'
    """
    sep = "；" if lang == "zh" else "; "
    names = [f"周{c}" for c in _WEEKDAY_ZH] if lang == "zh" else list(_WEEKDAY_EN)
    return sep.join(f"{names[w.weekday]} {w.times}" for w in sorted(windows))


_CN_DAY = r"(?:周|星期|礼拜)[一二三四五六日天]"
_EN_DAY = (
    r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)\b\.?"
)
_DAY = rf"(?:{_CN_DAY}|{_EN_DAY})"
_TO = r"\s*(?:-|~|至|到|to\b)\s*"
_TIME = r"\d{1,2}(?::\d{2}|点半|点\d{1,2}分?|点|时)?\s*(?:am|pm)?"
# Words people add around the days and times that do not change them ("周四全天在办公室").
# Anything else — 不, 除了, 偶尔 — stays unreadable, so "周四不在" is never read as "Thursday".
_FILLER = (
    r"在办公室|在公司|办公室|公司|在岗|坐班|都在|一般|通常|基本上?|均可|都可以|都行|可以|方便|有空"
    r"|可约|可联系|联系|拜访|见面|时间|时段|的|可|在"
)
_TOKEN = re.compile(
    rf"(?P<range>{_TIME}{_TO}{_TIME})"
    rf"|(?P<since>{_TIME}\s*(?:以后|之后|后|起|onwards\b))"
    rf"|(?P<until>(?:before\s*)?{_TIME}\s*(?:以前|之前|前))"
    rf"|(?P<days>{_DAY}{_TO}(?:{_DAY}|[一二三四五六日天]))"
    rf"|(?P<day>{_DAY})"
    r"|(?P<week>工作日|weekdays?\b|每天|每日|daily\b|every\s*day\b)"
    r"|(?P<half>上午|下午|全天)"
    r"|(?P<sep>[\s,、/&+]+|和|及|and\b)"
    rf"|(?P<filler>{_FILLER})",
    re.IGNORECASE,
)
_ONE_TIME = re.compile(r"(\d{1,2})(?::(\d{2})|(点半)|点(\d{1,2})分?|点|时)?\s*(am|pm)?", re.IGNORECASE)


def parse_availability(text: str) -> tuple[AvailabilityWindow, ...]:
    """Read availability like ``周二、周四 9:00-11:30``, ``周一至周五 14:00-17:00``, ``Mon, Wed 9:00-12:00``.

    Segments are separated by ``;``/``；``/line breaks; in a segment, days come before their times
    (``周二 9:00-11:30 周四 14:00-16:00`` is two groups). Days without times mean office hours
    (09:00-18:00); times without days mean Monday–Friday; "3点以后" runs to the end of office hours
    and "10点前" from their start. Words that change nothing ("在办公室", "一般", "方便") are skipped;
    anything else raises AvailabilityError naming the part it could not read.

    >>> [(w.weekday, w.times) for w in parse_availability("周一至周三 下午")]
    [(0, '14:00-18:00'), (1, '14:00-18:00'), (2, '14:00-18:00')]
    >>> format_windows(parse_availability("周四全天在办公室"))
    '周四 09:00-18:00'
    >>> format_windows(parse_availability("周二下午3点以后方便"))
    '周二 15:00-18:00'
    >>> parse_availability("周四不在")
    Traceback (most recent call last):
    ...
    huikuan.core.availability.AvailabilityError: cannot read availability '周四不在' at '不在'

    >>> parse_availability("周八 9:00-10:00")
    Traceback (most recent call last):
    ...
    huikuan.core.availability.AvailabilityError: cannot read availability '周八 9:00-10:00' at '周八'
    """
    normal = text.translate(str.maketrans("：；，～－—–．", ":;,~---."))
    windows: set[AvailabilityWindow] = set()
    for segment in re.split(r"[;\n。]+", normal):
        if segment.strip():
            windows.update(_parse_segment(segment, text))
    if not windows:
        raise AvailabilityError(f"no availability in {text!r}")
    return tuple(sorted(windows))


def _parse_segment(segment: str, original: str) -> set[AvailabilityWindow]:
    out: set[AvailabilityWindow] = set()
    days: list[int] = []
    ranges: list[tuple[time, time]] = []
    afternoon = False
    pos = 0

    def flush() -> None:
        for d in days or range(5):
            for start, end in ranges or [OFFICE_HOURS]:
                out.add(AvailabilityWindow(d, start, end))

    while pos < len(segment):
        m = _TOKEN.match(segment, pos)
        if m is None:
            bad = re.match(r"[^\s,、/]+", segment[pos:])
            raise AvailabilityError(
                f"cannot read availability {original!r} at {bad.group() if bad else ''!r}"
            )
        kind, value = m.lastgroup, m.group()
        pos = m.end()
        if kind in ("sep", "filler"):
            continue
        if kind in ("day", "days", "week") and ranges:
            flush()
            days, ranges = [], []
        if kind == "day":
            days.append(_weekday(value))
        elif kind == "days":
            first, last = re.split(_TO, value, maxsplit=1)
            a, b = _weekday(first), _weekday(last if len(last.strip()) > 1 else "周" + last.strip())
            days.extend((a + i) % 7 for i in range((b - a) % 7 + 1))
        elif kind == "week":
            every_day = value in ("每天", "每日") or value.lower().startswith(("daily", "every"))
            days.extend(range(7) if every_day else range(5))
        elif kind == "half" and value == "全天":
            ranges.append(OFFICE_HOURS)
        elif kind == "half":
            after = _TOKEN.match(segment[pos:].lstrip())
            if after is not None and after.lastgroup in ("range", "since", "until"):
                afternoon = value == "下午"
            else:
                ranges.append(HALF_DAYS[value])
        elif kind in ("since", "until"):
            clock = _clock(
                re.sub(r"以后|之后|后|起|onwards|以前|之前|前|before", "", value, flags=re.I),
                afternoon,
                original,
            )
            afternoon = False
            start, end = (clock, OFFICE_HOURS[1]) if kind == "since" else (OFFICE_HOURS[0], clock)
            if not start < end:
                raise AvailabilityError(f"no office hours left in {original!r}: {value!r}")
            ranges.append((start, end))
        else:
            start_text, end_text = re.split(_TO, value, maxsplit=1)
            start, end = _clock(start_text, afternoon, original), _clock(end_text, afternoon, original)
            afternoon = False
            if not start < end:
                raise AvailabilityError(f"time range ends before it starts in {original!r}: {value!r}")
            ranges.append((start, end))
    if days or ranges:
        flush()
    return out


def _weekday(token: str) -> int:
    token = token.strip().rstrip(".").lower()
    if token[-1] in _WEEKDAY_ZH + "天":
        return _WEEKDAY_ZH.index(token[-1]) if token[-1] != "天" else 6
    return [d.lower() for d in _WEEKDAY_EN].index(token[:3])


def _clock(token: str, afternoon: bool, original: str) -> time:
    m = _ONE_TIME.fullmatch(token.strip())
    if m is None:
        raise AvailabilityError(f"not a time of day in {original!r}: {token!r}")
    hour = int(m.group(1))
    minute = 30 if m.group(3) else int(m.group(2) or m.group(4) or 0)
    suffix = (m.group(5) or "").lower()
    if (suffix == "pm" or afternoon) and hour < 12:
        hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    if hour == 24 and minute == 0:
        return time(23, 59)
    if hour > 23 or minute > 59:
        raise AvailabilityError(f"not a time of day in {original!r}: {token!r}")
    return time(hour, minute)
