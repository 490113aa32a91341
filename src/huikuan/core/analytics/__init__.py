"""Vectorised analytics over the whole portfolio: the daily run's pure part (no Django).

Frames in, frames out; each rule here has a scalar twin elsewhere in ``huikuan.core`` that serves
the web page for one customer, and ``scalar.py`` runs those twins over the same facts so a test
can prove both give the same answers.
"""

from __future__ import annotations

REASONS: dict[str, tuple[str, str]] = {
    "currency_without_rate": (
        "币种 {currency} 没有折算汇率，未计入本位币合计",
        "no exchange rate for {currency}: left out of the base-currency totals",
    ),
    "lpr_missing": (
        "利率表中没有一年期 LPR，资金成本按 6% 计算",
        "no 1-year LPR in the rate table: cost of money taken as 6 %",
    ),
    "availability_unreadable": (
        "{count} 条联系人可联系时间无法识别，按未知处理",
        "{count} contact availability texts could not be read and count as unknown",
    ),
    "no_commission_rates": (
        "未设置回款提成比例，提成为零",
        "no commission rates configured: commission is zero",
    ),
}

LABELS: dict[str, tuple[str, str]] = {"manual": ("手工暂停", "paused by hand")}
