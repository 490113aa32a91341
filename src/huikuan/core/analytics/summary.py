"""The run's summary: totals, aging, KPIs per team and salesperson, statutory aging, commission
and the cash forecast, as JSON-ready data (amounts as strings with two decimals)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import polars as pl

from huikuan.core.analytics import kpis
from huikuan.core.analytics.aging import STATUTORY_BANDS, STATUTORY_LABELS, bucket_labels
from huikuan.core.analytics.evaluate import Evaluation
from huikuan.core.analytics.schema import Portfolio, RunSettings
from huikuan.core.money import from_cents_int

UNASSIGNED = "_unassigned"


def money(cents: int | None) -> str:
    return str(from_cents_int(int(cents or 0)))


def ledger_of(p: Portfolio, ev: Evaluation, settings: RunSettings) -> kpis.Ledger:
    fx = ev.results.select("currency", "rate_micro").unique()
    base = pl.DataFrame({"currency": [settings.base_currency], "rate_micro": [1_000_000]})
    rates = pl.concat(
        [base, fx.filter(pl.col("currency") != settings.base_currency)], how="vertical_relaxed"
    ).unique("currency")
    rec = p.receivables.join(rates, on="currency", how="left")
    return kpis.Ledger(rec, ev.facts.allocations, p.adjustments)


def usernames(p: Portfolio) -> dict[int | None, str]:
    names: dict[int | None, str] = dict(p.users.select("id", "username").iter_rows())
    names[None] = UNASSIGNED
    return names


def summarise(p: Portfolio, ev: Evaluation, as_of: date, settings: RunSettings) -> dict[str, Any]:
    r = ev.results
    names = usernames(p)
    ledger = ledger_of(p, ev, settings)
    labels = bucket_labels(settings.aging_buckets)
    counted = r.filter(pl.col("open_base_c").is_not_null())
    aging = dict(counted.group_by("bucket").agg(pl.col("open_base_c").sum()).iter_rows())
    open_total = int(counted["open_base_c"].sum())
    overdue = int(counted.filter(pl.col("days_overdue") > 0)["open_base_c"].sum())
    dso, best = kpis.dso(ledger, r, as_of)
    rates = kpis.collection_rate(ledger, as_of)
    due_total = int(rates["due_c"].sum() or 0)
    month = as_of.replace(day=1)
    collected = kpis.collected(ledger, month, as_of).group_by("owner_id").agg(pl.col("b").sum())
    by_owner = _by_owner(p, r, rates, as_of, names, dict(collected.iter_rows()))
    team_total = {"rate": round(int(rates["collected_c"].sum() or 0) / due_total, 6) if due_total else None}
    cash = kpis.forecast_cash(r, ev.facts.outcomes, p.promise_links, p.promises, ledger, as_of)
    kpi = {
        "dso": dso,
        "cei": kpis.cei(ledger, r, as_of),
        "add": round(dso - best, 1),
        "best_possible_dso": best,
        "collection_rate_month": team_total["rate"],
        "promise_kept_rate": kpis.promise_kept(ev.facts.outcomes, as_of),
        "overdue_ratio": round(overdue / open_total, 6) if open_total else None,
        "collected_month": money(sum(int(v or 0) for v in dict(collected.iter_rows()).values())),
        "by_owner": by_owner,
        "teams": _teams(p, by_owner, names, month),
    }
    return {
        "totals": {
            "receivables_open": r.height,
            "amount_open": money(open_total),
            "amount_overdue": money(overdue),
        },
        "aging": {label: money(aging.get(label)) for label in labels},
        "kpis": kpi,
        "statutory_aging": statutory_summary(r, as_of, settings),
        "commission": commission_summary(p, ledger, names, month, as_of),
        "forecast": [_week(week) for week in kpis.forecast_weeks(cash, as_of)],
        # Per owner id ("None": no owner), so a team's or a salesperson's dashboard adds theirs up.
        "forecast_by_owner": {
            str(owner): [_week(week) for week in weeks]
            for owner, weeks in kpis.forecast_by_owner(cash, as_of).items()
        },
    }


def _week(week: dict[str, Any]) -> dict[str, str]:
    return {k: (v.isoformat() if k == "week_start" else money(int(v))) for k, v in week.items()}


def _by_owner(
    p: Portfolio,
    r: pl.DataFrame,
    owner_rates: pl.DataFrame,
    as_of: date,
    names: dict[int | None, str],
    collected: dict[int | None, int],
) -> dict[str, dict[str, Any]]:
    month = as_of.replace(day=1)
    rates = {row["owner_id"]: row for row in owner_rates.iter_rows(named=True)}
    targets = dict(
        p.targets.filter((pl.col("month") == month) & pl.col("user_id").is_not_null())
        .select("user_id", "amount_c")
        .iter_rows()
    )
    stats = (
        r.filter(pl.col("open_base_c").is_not_null())
        .group_by("owner_id")
        .agg(
            pl.len().alias("n"),
            pl.col("open_base_c").sum().alias("open"),
            pl.col("open_base_c").filter(pl.col("days_overdue") > 0).sum().alias("overdue"),
        )
    )
    owners = set(stats["owner_id"].to_list()) | set(rates) | set(collected) | set(targets)
    by_stats = {row["owner_id"]: row for row in stats.iter_rows(named=True)}
    out: dict[str, dict[str, Any]] = {}
    for owner in sorted(owners, key=lambda o: names.get(o, str(o))):
        s = by_stats.get(owner, {"n": 0, "open": 0, "overdue": 0})
        target = targets.get(owner)
        out[names.get(owner, str(owner))] = {
            "collection_rate_month": rates[owner]["rate"] if owner in rates else None,
            "collected_month": money(collected.get(owner)),
            "target_month": money(target) if target is not None else None,
            "target_progress": round(int(collected.get(owner) or 0) / target, 6) if target else None,
            "receivables_open": s["n"],
            "amount_open": money(s["open"]),
            "amount_overdue": money(s["overdue"]),
            "overdue_ratio": round(int(s["overdue"] or 0) / int(s["open"]), 6) if s["open"] else None,
        }
    return out


def _teams(
    p: Portfolio, by_owner: dict[str, dict[str, Any]], names: dict[int | None, str], month: date
) -> dict[str, Any]:
    team_names = dict(p.teams.select("id", "name").unique("id").iter_rows())
    targets = dict(
        p.targets.filter((pl.col("month") == month) & pl.col("team_id").is_not_null())
        .select("team_id", "amount_c")
        .iter_rows()
    )
    out: dict[str, Any] = {}
    for team_id, name in sorted(team_names.items(), key=lambda kv: kv[1]):
        members = [
            names[u]
            for u, t in p.users.select("id", "team_id").iter_rows()
            if t == team_id and names[u] in by_owner
        ]
        rows = [by_owner[m] for m in members]
        collected = _sum_cents(rows, "collected_month")
        member_targets = _sum_cents(rows, "target_month")
        target = targets.get(team_id, member_targets if any(x["target_month"] for x in rows) else None)
        out[name] = {
            "members": members,
            "collected_month": money(collected),
            "target_month": money(target) if target is not None else None,
            "target_progress": round(collected / target, 6) if target else None,
            "amount_open": money(_sum_cents(rows, "amount_open")),
            "amount_overdue": money(_sum_cents(rows, "amount_overdue")),
        }
    return out


def _sum_cents(rows: list[dict[str, Any]], key: str) -> int:
    return sum(int(Decimal(x[key]) * 100) for x in rows if x[key] is not None)


def statutory_summary(r: pl.DataFrame, as_of: date, settings: RunSettings) -> dict[str, Any]:
    table = kpis.statutory(r, as_of, dict(settings.provision_rates))
    totals = dict(table.group_by("band").agg(pl.col("open_c").sum()).iter_rows())
    bands = {}
    provision_total = Decimal("0.00")
    for band in STATUTORY_BANDS:
        amount = from_cents_int(int(totals.get(band) or 0))
        rate = Decimal(str(settings.provision_rates.get(band, "0")))
        provision = (amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        provision_total += provision
        bands[band] = {
            "label": STATUTORY_LABELS[band],
            "amount": str(amount),
            "rate": str(rate),
            "provision": str(provision),
        }
    return {"bands": bands, "provision_total": str(provision_total)}


def commission_summary(
    p: Portfolio, ledger: kpis.Ledger, names: dict[int | None, str], month: date, as_of: date
) -> dict[str, Any]:
    table = kpis.commission(ledger, p.commission_rates, month, as_of)
    out: dict[str, Any] = {}
    for owner, group in table.group_by("owner_id", maintain_order=True):
        key = names.get(owner[0], str(owner[0]))
        out[key] = {
            "collected": money(int(group["collected_c"].sum())),
            "commission": money(int(group["commission_c"].sum())),
            "bands": {
                str(b): {"collected": money(c), "commission": money(m)}
                for b, c, m in group.select("band", "collected_c", "commission_c").iter_rows()
            },
        }
    return {
        "month": month.isoformat()[:7],
        "rates_configured": p.commission_rates.height > 0,
        "by_owner": out,
    }
