"""The dashboard's tables: one definition serves the page and its Excel export.

Each builder returns a `Table` whose cells keep their types (Decimal money, dates, rates as
fractions); the page formats them by column kind and the export writes them as typed cells,
text made formula-safe by `huikuan.exports.xlsx`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from huikuan.analytics.models import DailyRun
from huikuan.web.areas.dashboards import charts, completeness, data, forecast
from huikuan.web.areas.dashboards.scope import Scope


@dataclass
class Table:
    name: str
    title: str
    headers: list[str]
    kinds: list[str]  # text | money | percent | int | days | date
    rows: list[list[Any]]
    hrefs: list[str | None] = field(default_factory=list)  # link of each row's first cell
    note: str = ""

    def export_rows(self) -> list[list[Any]]:
        """Rates as percentages with one decimal (a spreadsheet shows 85.2, not 0.852)."""
        out = []
        for row in self.rows:
            out.append(
                [
                    round(v * 100, 1) if kind == "percent" and v is not None else v
                    for v, kind in zip(row, self.kinds, strict=True)
                ]
            )
        return out

    def export_headers(self) -> list[str]:
        return [f"{h}(%)" if k == "percent" else h for h, k in zip(self.headers, self.kinds, strict=True)]


def aging(run: DailyRun, scope: Scope, user: Any) -> Table:
    labels, rows, missing = data.aging_rows(run, scope)
    note = _("未计入（缺少汇率）：%(c)s") % {"c": "、".join(sorted(missing))} if missing else ""
    return Table(
        "aging",
        _("账龄（按销售）"),
        [_("销售"), *[charts.bucket_label(b) for b in labels], _("合计")],
        ["text", *["money"] * len(labels), "money"],
        [[r["name"], *[r["buckets"][b] for b in labels], r["total"]] for r in rows],
        note=note,
    )


def collection(run: DailyRun, scope: Scope, user: Any) -> Table:
    rows = data.owner_rows(run, scope)
    return Table(
        "collection",
        _("回款率（按销售）"),
        [
            _("销售"),
            _("本月回款率"),
            _("本月回款"),
            _("本月目标"),
            _("目标完成率"),
            _("未收笔数"),
            _("未收"),
            _("逾期"),
            _("逾期占比"),
        ],
        ["text", "percent", "money", "money", "percent", "int", "money", "money", "percent"],
        [
            [
                r["name"],
                r["rate"],
                r["collected"],
                r["target"],
                r["progress"],
                r["n_open"],
                r["open"],
                r["overdue"],
                r["overdue_ratio"],
            ]
            for r in rows
        ],
    )


def teams(run: DailyRun, scope: Scope, user: Any) -> Table:
    rows = data.team_rows(run, scope)
    return Table(
        "teams",
        _("团队"),
        [_("团队"), _("成员"), _("本月回款"), _("本月目标"), _("目标完成率"), _("未收"), _("逾期")],
        ["text", "text", "money", "money", "percent", "money", "money"],
        [
            [
                r["name"],
                "、".join(r["members"]),
                r["collected"],
                r["target"],
                r["progress"],
                r["open"],
                r["overdue"],
            ]
            for r in rows
        ],
    )


def trend(run: DailyRun, scope: Scope, user: Any) -> Table:
    points = data.trend(scope)
    if scope.everything:
        return Table(
            "trend",
            _("DSO 趋势"),
            [_("数据日期"), _("DSO（天）"), _("最佳DSO（天）"), _("CEI")],
            ["date", "days", "days", "percent"],
            [[p["as_of"], p["dso"], p["best"], p["cei"]] for p in points],
        )
    return Table(
        "trend",
        _("未收与逾期趋势"),
        [_("数据日期"), _("未收"), _("逾期"), _("本月回款")],
        ["date", "money", "money", "money"],
        [[p["as_of"], p["open"], p["overdue"], p["collected"]] for p in points],
    )


def cash_forecast(run: DailyRun, scope: Scope, user: Any) -> Table:
    note = ""
    if scope.everything:
        weeks = forecast.whole(run)
    else:
        weeks, left_out = forecast.scoped(run, scope)
        if left_out:
            note = _("另有逾期未收 %(amount)s 元尚无承诺，回款时间无法预计，未计入各周。") % {
                "amount": f"{left_out:,.2f}"
            }
    return Table(
        "forecast",
        _("13周回款预测"),
        [_("周起始日"), _("到期应收"), _("逾期预计回款"), _("付款承诺"), _("票据到期"), _("合计")],
        ["date", "money", "money", "money", "money", "money"],
        [[w["week_start"], w["due"], w["overdue"], w["promises"], w["bills"], w["total_c"]] for w in weeks],
        note=note,
    )


def promises(run: DailyRun, scope: Scope, user: Any) -> Table:
    rows, overall = data.promise_rows(run, scope)
    table = Table(
        "promises",
        _("承诺兑现率（近90天）"),
        [_("销售"), _("承诺兑现率"), _("已到期判定"), _("全部兑现"), _("待判定")],
        ["text", "percent", "int", "int", "int"],
        [[r["name"], r["rate"], r["decided"], r["kept"], r["pending"]] for r in rows],
    )
    if rows:
        table.rows.append(
            [_("合计"), overall, *[sum(r[k] for r in rows) for k in ("decided", "kept", "pending")]]
        )
    return table


def completeness_table(run: DailyRun, scope: Scope, user: Any) -> Table:
    items = completeness.summary(run, scope)
    return Table(
        "completeness",
        _("知己知彼完整度"),
        [_("检查项"), _("范围"), _("缺失"), _("总数"), _("完整率")],
        ["text", "text", "int", "int", "percent"],
        [
            [
                str(i["check"].title),
                _("合同") if i["check"].level == "contract" else _("客户"),
                i["missing"],
                i["total"],
                (i["total"] - i["missing"]) / i["total"] if i["total"] else None,
            ]
            for i in items
        ],
        hrefs=[reverse(f"dashboards:completeness_{i['check'].key}") for i in items],
    )


def drill_down(run: DailyRun, scope: Scope, user: Any, key: str) -> Table:
    check = completeness.BY_KEY[key]
    found = completeness.drill_down(run, scope, user, check)
    if check.level == "contract":
        rows, hrefs = [], []
        for c in found:
            missing = [
                label
                for label, value in (
                    (_("验收标准"), c.acceptance_standard),
                    (_("验收方式"), c.acceptance_method),
                    (_("付款方式"), c.payment_terms),
                )
                if not value
            ]
            rows.append([c.number, c.customer.name, c.project_name, str(c.owner or "—"), "、".join(missing)])
            hrefs.append(reverse("customers:detail", args=[c.customer_id]))
        return Table(
            f"completeness_{key}",
            str(check.title),
            [_("合同编号"), _("客户"), _("项目名称"), _("销售"), _("合同上空缺的条款")],
            ["text"] * 5,
            rows,
            hrefs,
        )
    customers = list(found)
    return Table(
        f"completeness_{key}",
        str(check.title),
        [_("客户名称"), _("客户编码"), _("销售")],
        ["text"] * 3,
        [[c.name, c.code or "", str(c.owner or "—")] for c in customers],
        [reverse("customers:detail", args=[c.pk]) for c in customers],
    )


BUILDERS = {
    "aging": aging,
    "collection": collection,
    "teams": teams,
    "trend": trend,
    "forecast": cash_forecast,
    "promises": promises,
    "completeness": completeness_table,
}
