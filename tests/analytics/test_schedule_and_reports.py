"""The worker runs the daily run once a day at the configured time; reports export safely."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from analytics.portfolio import build_portfolio
from huikuan.analytics.models import DailyRun
from huikuan.analytics.reports import export_report, safe_cell
from huikuan.analytics.run import run_daily
from huikuan.analytics.schedule import TASK_PATH, schedule_daily
from huikuan.ledger.models import CommissionRate, CompanySettings, Customer
from huikuan.ops import run_worker

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


@pytest.mark.django_db(transaction=True)
def test_the_worker_schedules_the_daily_run_once_a_day_at_the_configured_time() -> None:
    settings = CompanySettings.current()
    settings.daily_run_time = time(6, 30)
    settings.save()
    day = date(2026, 11, 27)
    assert schedule_daily(at(day, 6, 29)) is False  # not yet
    assert schedule_daily(at(day, 6, 30)) is True
    assert schedule_daily(at(day, 6, 31)) is False  # already queued: a restarted worker adds nothing
    assert DBTaskResult.objects.filter(task_path=TASK_PATH).count() == 1

    run_worker(batch=True)
    run = DailyRun.latest()
    assert run is not None and run.as_of == day and run.trigger == "worker"
    assert schedule_daily(at(day, 18, 0)) is False  # done for today
    assert schedule_daily(at(date(2026, 11, 28), 7, 0)) is True  # the next morning
    assert DBTaskResult.objects.filter(task_path=TASK_PATH).count() == 2


def test_text_that_looks_like_a_formula_is_escaped() -> None:
    assert [safe_cell(v) for v in ["=SUM(A1)", "+1", "-2", "@x", "客户", 5]] == [
        "'=SUM(A1)",
        "'+1",
        "'-2",
        "'@x",
        "客户",
        5,
    ]


@pytest.mark.django_db
def test_statutory_aging_report_adds_up_with_provisions(tmp_path: Path) -> None:
    build_portfolio(5, date(2026, 11, 27), customers=15)
    Customer.objects.filter(pk=Customer.objects.first().pk).update(name='=HYPERLINK("x")')
    outcome = run_daily(date(2026, 11, 27))
    path = export_report("statutory-aging", str(tmp_path / "aging.xlsx"), as_of=date(2026, 11, 27))
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    total = next(r for r in rows if r[0] == "合计 total")
    bands = outcome.summary["statutory_aging"]["bands"]
    assert [Decimal(str(v)).quantize(Decimal("0.01")) for v in total[1:5]] == [
        Decimal(b["amount"]) for b in bands.values()
    ]
    assert any(str(r[0]).startswith("'=HYPERLINK") for r in rows)
    provision = sum(Decimal(str(r[6])) for r in rows[1:-2])
    assert provision == Decimal(str(total[6])).quantize(Decimal("0.01"))


@pytest.mark.django_db
def test_commission_is_collected_money_times_the_rate_of_its_lateness_band(tmp_path: Path) -> None:
    from analytics.test_aging_exactness import ledger, pay

    CommissionRate.objects.create(min_days_late=-100000, rate=Decimal("0.010000"))
    CommissionRate.objects.create(min_days_late=1, rate=Decimal("0.008000"))
    CommissionRate.objects.create(min_days_late=91, rate=Decimal("0.004000"))
    customer, (late, early, very_late) = ledger([date(2026, 10, 1), date(2026, 12, 31), date(2026, 6, 1)])
    pay(customer, date(2026, 6, 1), "1000.00")  # settles the oldest (due 06-01): October, not this month
    pay(customer, date(2026, 11, 10), "1000.00")  # due 10-01, 40 days late: 0.8 %
    pay(customer, date(2026, 11, 12), "500.00")  # due 12-31, early: 1 %
    outcome = run_daily(date(2026, 11, 27))
    owner = next(iter(outcome.summary["commission"]["by_owner"].values()))
    assert owner["collected"] == "1500.00"
    assert owner["commission"] == "13.00"  # 1000 × 0.8 % + 500 × 1 %
    path = export_report("commission", str(tmp_path / "c.csv"), as_of=date(2026, 11, 27))
    lines = path.read_text(encoding="utf-8-sig").splitlines()[1:]
    assert [line.split(",")[1:] for line in lines[:2]] == [
        ["-100000", "0.01", "500.00", "5.00"],
        ["1", "0.008", "1000.00", "8.00"],
    ]
    assert lines[-1].endswith("1500.00,13.00")
    _ = (late, early, very_late)
