"""The aging report export: per customer, one column per bucket, buckets summing to the open total."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from conftest import World
from huikuan.analytics.reports import export_report
from huikuan.analytics.run import run_daily
from huikuan.ledger.models import Customer


def test_aging_report_has_a_bucket_column_per_bucket_and_escapes_formulas(world: World, tmp_path) -> None:
    Customer.objects.filter(pk=world.cust_a.pk).update(name="=HYPERLINK(1)")
    run_daily(date(2026, 5, 15), trigger="test")
    path = export_report("aging", str(tmp_path / "aging.xlsx"), as_of=date(2026, 5, 15))
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[0].startswith("客户") and header[-1].startswith("合计")
    assert "未到期" in header and "91-180" in header
    by_name = {row[0]: row for row in body}
    assert "'=HYPERLINK(1)" in by_name
    for row in body:
        assert sum(Decimal(str(v)) for v in row[1:-1]) == Decimal(str(row[-1]))
    # cust_a: 300 due 2026-02-01 (103 days) and 700 due 2026-04-01 (44 days) as of 2026-05-15
    a = by_name["'=HYPERLINK(1)"]
    assert Decimal(str(a[header.index("91-180")])) == Decimal("300.00")
    assert Decimal(str(a[header.index("31-60")])) == Decimal("700.00")
