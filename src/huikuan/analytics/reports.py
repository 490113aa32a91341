"""Exportable reports: the statutory 账龄分析表 with 坏账准备, 回款提成 per salesperson, the worklist.

Each report is a list of rows with Chinese/English headers, written as XLSX (openpyxl, write-only)
or CSV (UTF-8 with BOM so Excel reads it). Text that a spreadsheet would take for a formula
(starting with = + - @) is escaped with a leading apostrophe.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import polars as pl

from huikuan.cli import CommandError
from huikuan.core.analytics import kpis
from huikuan.core.analytics.aging import STATUTORY_BANDS, STATUTORY_LABELS
from huikuan.core.analytics.evaluate import company_tables
from huikuan.core.analytics.facts import build_facts
from huikuan.core.money import from_cents_int
from huikuan.exports import xlsx
from huikuan.exports.xlsx import safe_cell


def write_table(path: str | Path, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    """XLSX (formatted amounts, frozen header) or CSV (UTF-8 with BOM so Excel reads it); never a formula."""
    target = Path(path)
    if target.suffix.lower() == ".csv":
        with target.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(headers)
            writer.writerows([[safe_cell(v) for v in row] for row in rows])
        return target
    if target.suffix.lower() != ".xlsx":
        raise CommandError(f"报表只支持 .xlsx 或 .csv：{target}")
    return xlsx.write_table(target, headers, rows, sheet=title)


def _latest_as_of(as_of: date | None) -> date:
    from huikuan.analytics.models import DailyRun

    if as_of is not None:
        return as_of
    run = DailyRun.latest()
    if run is None:
        raise CommandError("还没有完成的每日运行；请先运行 huikuan daily")
    return run.as_of


def statutory_rows(as_of: date) -> tuple[list[str], list[list[Any]]]:
    """账龄分析表: open amounts (base currency) per customer by recognition band, with 坏账准备."""
    from huikuan.analytics.load import load_portfolio, run_settings

    portfolio, _ = load_portfolio(as_of)
    settings = run_settings()
    facts = build_facts(portfolio, as_of, settings, company_tables(settings))
    table = kpis.statutory(facts.open, as_of, dict(settings.provision_rates))
    wide = table.pivot(on="band", index="customer_id", values="open_c").fill_null(0)
    names = portfolio.customers.select(pl.col("id").alias("customer_id"), "name")
    wide = wide.join(names, on="customer_id", how="left").sort("name")
    rates = {b: Decimal(str(settings.provision_rates.get(b, "0"))) for b in STATUTORY_BANDS}
    headers = [
        "客户 customer",
        *[f"{STATUTORY_LABELS[b]} {b}" for b in STATUTORY_BANDS],
        "合计 total",
        "坏账准备 provision",
    ]
    rows: list[list[Any]] = []
    totals = dict.fromkeys(STATUTORY_BANDS, Decimal("0.00"))
    provision_total = Decimal("0.00")
    for row in wide.iter_rows(named=True):
        amounts = {b: from_cents_int(int(row.get(b) or 0)) for b in STATUTORY_BANDS}
        provision = sum(
            (
                (amounts[b] * rates[b]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                for b in STATUTORY_BANDS
            ),
            Decimal("0.00"),
        )
        for b in STATUTORY_BANDS:
            totals[b] += amounts[b]
        provision_total += provision
        rows.append([row["name"] or "", *amounts.values(), sum(amounts.values(), Decimal("0.00")), provision])
    rows.append(["合计 total", *totals.values(), sum(totals.values(), Decimal("0.00")), provision_total])
    rows.append(["计提比例 rate", *rates.values(), "", ""])
    return headers, rows


def commission_rows(month: date, as_of: date) -> tuple[list[str], list[list[Any]]]:
    """回款提成: per salesperson and lateness band, money collected in the month and its commission."""
    from huikuan.analytics.load import load_portfolio, run_settings
    from huikuan.core.analytics.ledger import with_effective_dates
    from huikuan.core.analytics.summary import usernames

    end = min(as_of, (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1))
    portfolio, _ = load_portfolio(end)
    settings = run_settings()
    alloc = with_effective_dates(portfolio.allocations, settings.bills_collected_at_maturity)
    rates = (
        portfolio.exchange_rates.sort("effective_on").group_by("currency").agg(pl.col("rate_micro").last())
    )
    base = pl.DataFrame({"currency": [settings.base_currency], "rate_micro": [1_000_000]})
    rates = pl.concat(
        [base, rates.filter(pl.col("currency") != settings.base_currency)], how="vertical_relaxed"
    )
    ledger = kpis.Ledger(
        portfolio.receivables.join(rates, on="currency", how="left"), alloc, portfolio.adjustments
    )
    table = kpis.commission(ledger, portfolio.commission_rates, month, end)
    names = usernames(portfolio)
    band_rates = dict(portfolio.commission_rates.select("min_days_late", "rate_micro").iter_rows())
    headers = [
        "销售 salesperson",
        "逾期天数起 days late from",
        "提成比例 rate",
        "回款 collected",
        "提成 commission",
    ]
    rows: list[list[Any]] = []
    for owner, band, collected, commission in table.select(
        "owner_id", "band", "collected_c", "commission_c"
    ).iter_rows():
        rate = Decimal(band_rates.get(band, 0)) / 1_000_000
        rows.append(
            [names.get(owner, str(owner)), band, rate, from_cents_int(collected), from_cents_int(commission)]
        )
    per_owner = (
        table.group_by("owner_id")
        .agg(pl.col("collected_c").sum(), pl.col("commission_c").sum())
        .sort("owner_id")
    )
    for owner, collected, commission in per_owner.iter_rows():
        rows.append(
            [
                f"{names.get(owner, str(owner))} 合计",
                "",
                "",
                from_cents_int(collected),
                from_cents_int(commission),
            ]
        )
    return headers, rows


def worklist_rows(as_of: date | None) -> tuple[list[str], list[list[Any]]]:
    from huikuan.accounts.models import User
    from huikuan.analytics.models import DailyRun

    run = DailyRun.latest(as_of)
    if run is None:
        raise CommandError("没有对应日期的每日运行结果")
    names = dict(User.objects.values_list("pk", "username"))
    headers = ["销售 owner", "排名 rank", "应收 receivable", "客户 customer_id", "未收 open", "逾期天数 days overdue",
               "策略 strategy", "动作 action", "日期 on", "联系人角色 role", "优先级 priority"]  # fmt: skip
    rows = [
        [
            names.get(s.owner_id, ""),
            s.rank,
            s.receivable_id,
            s.customer_id,
            s.open,
            s.days_overdue,
            s.strategy,
            s.action_kind,
            s.action_on,
            s.contact_role,
            round(s.priority, 2),
        ]
        for s in run.statuses().order_by("owner_id", "rank").iterator(chunk_size=5000)
    ]
    return headers, rows


def aging_rows(as_of: date | None) -> tuple[list[str], list[list[Any]]]:
    """Aging report: open amount per customer in each configured bucket (from the run's status rows)."""
    from django.db.models import Sum

    from huikuan.analytics.models import DailyRun
    from huikuan.core.analytics.aging import bucket_labels
    from huikuan.ledger.models import CompanySettings, Customer

    run = DailyRun.latest(as_of)
    if run is None:
        raise CommandError("没有对应日期的每日运行结果")
    labels = bucket_labels(CompanySettings.current().aging_buckets)
    totals: dict[int, dict[str, Decimal]] = {}
    for customer_id, bucket, amount in (
        run.statuses()
        .values("customer_id", "bucket")
        .annotate(total=Sum("open"))
        .values_list("customer_id", "bucket", "total")
    ):
        totals.setdefault(customer_id, {})[bucket] = Decimal(amount).quantize(Decimal("0.01"))
    names = dict(Customer.objects.filter(pk__in=list(totals)).values_list("pk", "name"))
    headers = ["客户 customer", *[f"{'未到期' if b == 'not_due' else b} " for b in labels], "合计 total"]
    rows = []
    for customer_id in sorted(totals, key=lambda c: names.get(c, "")):
        amounts = [totals[customer_id].get(b, Decimal("0.00")) for b in labels]
        rows.append([names.get(customer_id, str(customer_id)), *amounts, sum(amounts, Decimal("0.00"))])
    return [h.strip() for h in headers], rows


def export_report(kind: str, out: str, as_of: date | None = None, month: str | None = None) -> Path:
    day = _latest_as_of(as_of)
    if kind == "aging":
        headers, rows = aging_rows(as_of)
        return write_table(out, "账龄表", headers, rows)
    if kind == "statutory-aging":
        headers, rows = statutory_rows(day)
        return write_table(out, "账龄分析表", headers, rows)
    if kind == "commission":
        try:
            first = date.fromisoformat(f"{month}-01") if month else day.replace(day=1)
        except ValueError as exc:
            raise CommandError(f"月份格式应为 YYYY-MM：{month}") from exc
        headers, rows = commission_rows(first, day)
        return write_table(out, "回款提成", headers, rows)
    headers, rows = worklist_rows(as_of)
    return write_table(out, "工作清单", headers, rows)
