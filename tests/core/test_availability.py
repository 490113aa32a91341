"""Availability parser (C4): a contact's weekly windows read from the text sales staff write."""

from __future__ import annotations

import pytest

from huikuan.core.availability import AvailabilityError, format_windows, parse_availability


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("周二、周四 9:00-11:30", "周二 09:00-11:30；周四 09:00-11:30"),
        ("周一至周三 14:00-17:00", "周一 14:00-17:00；周二 14:00-17:00；周三 14:00-17:00"),
        ("Mon, Wed 9:00-12:00", "周一 09:00-12:00；周三 09:00-12:00"),
        ("星期五 上午", "周五 09:00-12:00"),
        ("周三下午3点-5点", "周三 15:00-17:00"),
        ("礼拜一 9点半-11点", "周一 09:30-11:00"),
        ("Tue 9am-12pm", "周二 09:00-12:00"),
        ("周二 9:00-11:30 周四 14:00-16:00", "周二 09:00-11:30；周四 14:00-16:00"),
        ("周二 9:00-11:30；周四 14：00～16：00", "周二 09:00-11:30；周四 14:00-16:00"),
        ("周六至周一 10:00-11:00", "周一 10:00-11:00；周六 10:00-11:00；周日 10:00-11:00"),
        ("周二", "周二 09:00-18:00"),
        ("Thursday & Friday 8:00-9:00", "周四 08:00-09:00；周五 08:00-09:00"),
    ],
)
def test_parse_availability(text: str, expected: str) -> None:
    assert format_windows(parse_availability(text)) == expected


def test_parse_availability_weekdays_and_bare_times_mean_monday_to_friday() -> None:
    assert {w.weekday for w in parse_availability("周一至周五 14:00-17:00")} == {0, 1, 2, 3, 4}
    assert {w.weekday for w in parse_availability("工作日 9:00-10:00")} == {0, 1, 2, 3, 4}
    assert {w.weekday for w in parse_availability("9:00-10:00")} == {0, 1, 2, 3, 4}
    assert {w.weekday for w in parse_availability("每天 9:00-10:00")} == set(range(7))


def test_formatted_windows_parse_back_to_themselves() -> None:
    windows = parse_availability("周一至周五 14:00-17:00; 周六 9:00-10:00")
    assert parse_availability(format_windows(windows)) == windows
    assert parse_availability(format_windows(windows, "en")) == windows


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("周八 9:00-10:00", "周八"),
        ("周二 11:30-9:00", "ends before it starts"),
        ("周二 25:00-26:00", "25:00"),
        ("whenever", "whenever"),
        ("  ", "no availability"),
    ],
)
def test_parse_availability_errors_name_the_bad_part(text: str, fragment: str) -> None:
    with pytest.raises(AvailabilityError, match=fragment):
        parse_availability(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("周四全天在办公室", "周四 09:00-18:00"),
        (
            "一般周一至周五9:00-17:00在公司",
            "周一 09:00-17:00；周二 09:00-17:00；周三 09:00-17:00；周四 09:00-17:00；周五 09:00-17:00",
        ),
        ("周二下午3点以后方便", "周二 15:00-18:00"),
        ("周三 14:00起", "周三 14:00-18:00"),
        ("周五上午10点前", "周五 09:00-10:00"),
        ("周一 10点之前；周四下午4点之后", "周一 09:00-10:00；周四 16:00-18:00"),
    ],
)
def test_words_around_days_and_times_are_skipped_and_open_ended_times_run_to_office_hours(
    text: str, expected: str
) -> None:
    assert format_windows(parse_availability(text)) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("周四不在", "不在"),  # a negation is never read as the day itself
        ("除了周三都在", "除了"),
        ("下午6点以后", "no office hours left"),
    ],
)
def test_words_that_change_the_meaning_are_not_skipped(text: str, fragment: str) -> None:
    with pytest.raises(AvailabilityError, match=fragment):
        parse_availability(text)
