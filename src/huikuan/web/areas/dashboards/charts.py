"""Chart data for static/web/dashboards.js, embedded in the page with ``json_script``.

Every chart is one small document the script turns into an ECharts option::

    {"type": "bar" | "line", "stack": bool, "horizontal": bool, "unit": "money" | "percent" | "days",
     "categories": [...], "series": [{"name": "…", "data": [1.5, null, …]}]}

Labels are translated here, so the script holds no text. Amounts become floats only for drawing;
the tables beside the charts show the exact Decimals.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from huikuan.core.analytics.aging import NOT_DUE


def bucket_label(key: str) -> str:
    """``not_due`` → 未到期, ``31-60`` → 31–60天, ``>365`` → >365天."""
    if key == NOT_DUE:
        return _("未到期")
    return _("%(range)s天") % {"range": key.replace("-", "–")}


def _num(value: Any) -> float | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal | int | float) else None


def chart(
    kind: str,
    categories: list[str],
    series: list[tuple[str, list[Any]]],
    *,
    unit: str = "money",
    **flags: bool,
) -> dict[str, Any]:
    return {
        "type": kind,
        "unit": unit,
        "stack": flags.get("stack", False),
        "horizontal": flags.get("horizontal", False),
        "categories": categories,
        "series": [{"name": name, "data": [_num(v) for v in data]} for name, data in series],
    }


def aging(labels: list[str], rows: list[dict[str, Any]]) -> dict[str, Any]:
    spec = chart(
        "bar",
        [r["name"] for r in rows],
        [(bucket_label(label), [r["buckets"][label] for r in rows]) for label in labels],
        stack=True,
        horizontal=True,
    )
    spec["palette"] = "aging"  # green (not due) to dark red (oldest)
    return spec


def rates(rows: list[dict[str, Any]]) -> dict[str, Any]:
    series = [(_("本月回款率"), [r["rate"] for r in rows])]
    if any(r["progress"] is not None for r in rows):
        series.append((_("目标完成率"), [r["progress"] for r in rows]))
    return chart("bar", [r["name"] for r in rows], series, unit="percent", horizontal=True)


def trend(points: list[dict[str, Any]], everything: bool) -> dict[str, Any]:
    days = [p["as_of"].strftime("%m-%d") for p in points]
    if everything:
        return chart(
            "line",
            days,
            [(_("DSO（天）"), [p["dso"] for p in points]), (_("最佳DSO（天）"), [p["best"] for p in points])],
            unit="days",
        )
    return chart(
        "line",
        days,
        [(_("未收"), [p["open"] for p in points]), (_("逾期"), [p["overdue"] for p in points])],
    )


def forecast(weeks: list[dict[str, Any]]) -> dict[str, Any]:
    names = {
        "due": _("到期应收"),
        "overdue": _("逾期预计回款"),
        "promises": _("付款承诺"),
        "bills": _("票据到期"),
    }
    return chart(
        "bar",
        [w["week_start"].strftime("%m-%d") for w in weeks],
        [(label, [w[key] for w in weeks]) for key, label in names.items()],
        stack=True,
    )


def promises(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return chart(
        "bar", [r["name"] for r in rows], [(_("承诺兑现率"), [r["rate"] for r in rows])], unit="percent"
    )


def completeness(items: list[dict[str, Any]]) -> dict[str, Any]:
    spec = chart(
        "bar",
        [str(i["check"].label) for i in items],
        [
            (_("缺失"), [i["missing"] for i in items]),
            (_("已齐全"), [i["total"] - i["missing"] for i in items]),
        ],
        unit="count",
        stack=True,
        horizontal=True,
    )
    spec["palette"] = "gaps"  # missing in red, complete in green
    return spec
