"""The strategy table (DESIGN §6) over the whole portfolio: first matching row wins, as in
`huikuan.core.strategy.recommend`, with the same overrides of action and roles.

The table's rows are data, so the conditions are looked up by name; the discount economics and
the sanction ladder are computed by the scalar functions once per distinct input (few of them).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from huikuan.core.discount import discount_offer
from huikuan.core.money import from_cents_int
from huikuan.core.sanctions import SanctionFacts, next_rung
from huikuan.core.tables import DecisionTables

NM = pl.col("nature") == "non_malicious"
DISCOUNT_SCHEMA = {"risk": pl.Float64, "expected_days": pl.Float64, "d_ok": pl.Boolean, "d_offer": pl.Float64,
                   "d_break_even": pl.Float64, "d_approval": pl.Boolean}  # fmt: skip


def discounts(f: pl.DataFrame, r: float, t: DecisionTables) -> pl.DataFrame:
    """Break-even and offer per distinct (risk, expected days) where the discount row may apply."""
    keys = f.filter(NM & pl.col("can_pay_now")).select("risk", "expected_days").unique()
    rows = []
    for p, days in keys.iter_rows():
        offer = discount_offer(Decimal("100.00"), p, days, r, t.discount)
        ok = offer.break_even >= t.discount.min_break_even and offer.max_offer > 0
        rows.append((p, days, ok, float(offer.max_offer), float(offer.break_even), offer.needs_approval))
    return pl.DataFrame(rows, schema=DISCOUNT_SCHEMA, orient="row")


def sanction_rungs(f: pl.DataFrame, as_of: date, t: DecisionTables) -> pl.DataFrame:
    """``id``, ``sanction``: the next rung for malicious debts with complete evidence (rare)."""
    rows = f.filter((pl.col("nature") == "malicious") & pl.col("evidence_complete"))
    out = []
    for row in rows.iter_rows(named=True):
        proposal = next_rung(sanction_facts(row, as_of), as_of, t.sanctions)
        out.append((row["id"], proposal.rung if proposal else None))
    return pl.DataFrame(out, schema={"id": pl.Int64, "sanction": pl.String}, orient="row")


def sanction_facts(row: dict[str, object], as_of: date) -> SanctionFacts:
    """The ladder's facts for one receivable row of the facts frame (shared with the scalar path)."""
    broken = [d for d in row["broken_dates"] or [] if 0 <= (as_of - d).days <= 180]  # type: ignore[attr-defined]
    return SanctionFacts(
        nature=row["nature"],  # type: ignore[arg-type]
        days_overdue=int(row["days_overdue"]),  # type: ignore[call-overload]
        open_amount=from_cents_int(int(row["open_base_c"] or 0)),  # type: ignore[call-overload]
        broken_promises=len(broken),
        evidence_complete=bool(row["evidence_complete"]),
        limitation_expires_on=row["limitation_expires_on"],  # type: ignore[arg-type]
        legal_basis=row["legal_basis"] or None,  # type: ignore[arg-type]
        active=frozenset(row["sanctions_active"] or ()),  # type: ignore[call-overload]
    )


def _conditions(as_of: date, t: DecisionTables) -> dict[str, pl.Expr]:
    s = t.strategy
    left = pl.col("limitation_days_left")
    nature = pl.col("nature")
    return {
        "limitation_near": pl.col("limitation_expires_on").is_not_null() & ((left < 0) | (left <= s.limitation_horizon_days)),
        "paused": pl.col("pause_until").is_not_null() & (pl.col("pause_until") > as_of),
        "disputed": nature == "disputed",
        "block_gap": pl.col("first_block").is_not_null(),
        "malicious_without_evidence": (nature == "malicious") & ~pl.col("evidence_complete"),
        "malicious_with_evidence": (nature == "malicious") & pl.col("evidence_complete"),
        "funds_tight": NM & pl.col("funds_status").is_in(["tight", "distressed"]),
        "budget_delay": NM & pl.col("budget_delay") & ~pl.col("sme_protected"),
        "future_business": NM & pl.col("future_business"),
        "discount_worthwhile": NM & pl.col("can_pay_now") & pl.col("d_ok").fill_null(False),
        "nature_unknown": nature == "unknown",
        "always": pl.lit(True),
    }  # fmt: skip


def _roles(values: tuple[str, ...]) -> pl.Expr:
    return pl.lit(list(values), dtype=pl.List(pl.String))


def select(f: pl.DataFrame, as_of: date, r: float, t: DecisionTables) -> pl.DataFrame:
    """Add ``row`` (index of the winning row), ``strategy``, ``action_kind``, ``roles``, ``reasons_main``."""
    s = t.strategy
    f = f.join(discounts(f, r, t), on=["risk", "expected_days"], how="left")
    f = f.join(sanction_rungs(f, as_of, t), on="id", how="left")
    conds = _conditions(as_of, t)
    row = pl.lit(len(s.rows) - 1)
    for i in range(len(s.rows) - 1, -1, -1):
        row = pl.when(conds[s.rows[i].condition].fill_null(False)).then(pl.lit(i)).otherwise(row)
    f = f.with_columns(row.cast(pl.Int64).alias("row"))
    condition = pl.col("row").replace_strict(
        list(range(len(s.rows))), [x.condition for x in s.rows], return_dtype=pl.String
    )
    strategy = pl.col("row").replace_strict(list(range(len(s.rows))), [x.strategy for x in s.rows])
    action = pl.col("row").replace_strict(list(range(len(s.rows))), [x.action for x in s.rows])
    roles = pl.lit(None, dtype=pl.List(pl.String))
    for i, x in enumerate(s.rows):
        roles = pl.when(pl.col("row") == i).then(_roles(x.roles)).otherwise(roles)
    left = pl.col("limitation_days_left")
    uncooperative = pl.col("nature").is_in(sorted(s.limitation_uncooperative_natures))
    escalate = pl.col("unanswered") >= s.remind_visit_after_unanswered
    action = (
        pl.when((condition == "limitation_near") & (left < 0))
        .then(pl.lit("letter"))
        .when((condition == "limitation_near") & uncooperative)
        .then(pl.lit(s.limitation_uncooperative_action))
        .when((condition == "always") & escalate)
        .then(pl.lit(s.remind_escalated_action))
        .otherwise(action)
    )
    gap_roles = pl.lit([], dtype=pl.List(pl.String))
    for code, values in s.gap_roles.items():
        gap_roles = pl.when(pl.col("first_block") == code).then(_roles(values)).otherwise(gap_roles)
    roles = (
        pl.when(condition == "block_gap")
        .then(gap_roles)
        .when((condition == "always") & escalate)
        .then(_roles(s.remind_escalated_roles))
        .otherwise(roles)
    )
    flags = (
        pl.when((condition == "limitation_near") & (left < 0)).then(1).otherwise(0)
        + pl.when(pl.col("sanction").is_not_null()).then(2).otherwise(0)
        + pl.when(pl.col("d_approval").fill_null(False)).then(4).otherwise(0)
        + pl.when((condition == "always") & escalate).then(8).otherwise(0)
        + pl.when(NM & pl.col("budget_delay") & pl.col("sme_protected")).then(16).otherwise(0)
    )
    f = f.with_columns(
        condition.alias("condition"), strategy.alias("strategy"), action.alias("action_kind"), roles.alias("roles"),
        flags.cast(pl.Int64).alias("_rflags"),
    )  # fmt: skip
    keys = f.select("row", "_rflags", "first_block").unique()
    table = [
        (row, fl, gap, _decode_reasons(s.rows[row].condition, s.rows[row].strategy, fl, gap))
        for row, fl, gap in keys.iter_rows()
    ]
    decoded = pl.DataFrame(
        table,
        schema={
            "row": pl.Int64,
            "_rflags": pl.Int64,
            "first_block": pl.String,
            "reason_codes": pl.List(pl.String),
        },
        orient="row",
    )
    return f.join(decoded, on=["row", "_rflags", "first_block"], how="left", nulls_equal=True).rename(
        {"_rflags": "reason_flags"}
    )


def _decode_reasons(condition: str, strategy: str, flags: int, gap: str | None) -> list[str]:
    """The reason codes `recommend` gives for a row and its flags (see `select`)."""
    expired, sanction, approval, escalated, sme = (bool(flags >> i & 1) for i in range(5))
    codes: list[str] = {
        "limitation_near": ["reacknowledge" if expired else "limitation_expiring"],
        "paused": ["paused_until"],
        "disputed": ["nature_disputed"],
        "block_gap": ["blocking_gap", gap or ""],
        "malicious_without_evidence": ["malicious_evidence_incomplete"],
        "malicious_with_evidence": ["malicious_evidence_complete", *(["next_sanction_rung"] if sanction else [])],
        "funds_tight": ["funds_tight_plan"],
        "budget_delay": ["budget_or_process_delay"],
        "future_business": ["future_business_exchange"],
        "discount_worthwhile": ["discount_worthwhile", "break_even_discount", "discount_offer",
                                *(["discount_needs_approval"] if approval else [])],
        "nature_unknown": ["nature_unknown_visit"],
        "always": ["reminders_unanswered" if escalated else "remind_default"],
    }[condition]  # fmt: skip
    if sme and strategy not in ("secure_limitation", "wait"):
        codes.append("sme_budget_not_lawful_delay")
    return codes
