"""Vectorised twins of the judgement rules: readiness gaps, debt nature, the §6 inputs, limitation.

Each function adds columns to the facts frame (`facts.py`) and follows its scalar rule line by
line (`readiness.readiness_gaps`, `nature.classify_nature`, `inputs.*`, `limitation.milestone_limitation`);
`tests/analytics/test_bulk_equals_scalar.py` compares them receivable by receivable.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from huikuan.core.analytics.facts import STRONG
from huikuan.core.inputs import FUNDS_OK, FUNDS_SHORT
from huikuan.core.interest import sme_regulation_applies
from huikuan.core.limitation import ACKNOWLEDGEMENTS, LimitationPolicy
from huikuan.core.tables import DecisionTables

INVOICE_CODES = ("invoice_not_issued", "invoice_not_delivered", "invoice_red_reversed")


def missing(name: str) -> pl.Expr:
    """A 0/1 fact column that is 0 or absent."""
    return pl.col(name).fill_null(0) == 0


def within(column: str, as_of: date, days: int) -> pl.Expr:
    """The date lies 0–``days`` days before as_of (`nature._within`)."""
    age = (pl.lit(as_of) - pl.col(column)).dt.total_days()
    return pl.col(column).is_not_null() & (age >= 0) & (age <= days)


def readiness(f: pl.DataFrame, as_of: date, t: DecisionTables) -> pl.DataFrame:
    """``gaps`` (codes in method order), ``gap_blocks`` (their severities == block) and ``first_block``."""
    r = t.readiness
    invoice_missing = (pl.col("inv_valid_n") == 0) | (pl.col("amount_c") - pl.col("inv_valid_c") > 0)
    last = pl.col("last_conf_on")
    age = (pl.lit(as_of) - last).dt.total_days()
    conditions = [
        (missing("has_project") | missing("has_amount") | missing("has_signed") | missing("has_owner"),
         "missing_contract_facts"),
        (missing("has_acc_standard") | missing("has_acc_method"), "missing_acceptance_terms"),
        (missing("has_payment_terms"), "missing_payment_terms"),
        (~pl.col("trigger_fired"), "trigger_not_fired"),
        (pl.col("payer_id").is_null(), "missing_payer"),
        (pl.col("decision_maker_id").is_null(), "missing_decision_maker"),
        (pl.col("acceptor_id").is_null(), "missing_acceptor"),
        (pl.col("book_close_day").is_null(), "unknown_book_close_day"),
        (pl.col("needs_budget").is_null() | (pl.col("needs_budget") & pl.col("budget_month").is_null()),
         "unknown_budget_process"),
        (missing("has_invoice_req"), "unknown_invoice_requirements"),
        (pl.col("funds_status").fill_null("") == "", "unknown_funds_status"),
        (pl.col("open_issues") > 0, "open_blocking_issue"),
        (invoice_missing & (pl.col("inv_reversed_n") > 0), "invoice_red_reversed"),
        (invoice_missing & (pl.col("inv_reversed_n") == 0), "invoice_not_issued"),
        (pl.col("inv_undelivered_n") > 0, "invoice_not_delivered"),
        (pl.col("kind").is_in(sorted(r.delivery_receipt_kinds)) & ~pl.col("has_delivery_receipt"),
         "no_delivery_receipt"),
        (pl.col("kind").is_in(sorted(r.acceptance_certificate_kinds)) & ~pl.col("has_acceptance_cert"),
         "no_acceptance_certificate"),
        (last.is_null() | (age > r.confirmation_max_age_days), "confirmation_due"),
        (last.is_not_null() & ~pl.col("last_conf_seal").is_in(STRONG), "confirmation_weak_seal"),
    ]  # fmt: skip
    # Each gap is one bit; the few distinct (bits, invoice-first) combinations are decoded once.
    mask = pl.sum_horizontal(
        [pl.when(cond).then(1 << i).otherwise(0) for i, (cond, _c) in enumerate(conditions)]
    )
    invoice_first = pl.col("invoice_before_payment").fill_null(False)
    out = f.with_columns(mask.cast(pl.Int64).alias("gap_mask"), invoice_first.alias("_inv_first"))
    codes = [code for _cond, code in conditions]
    decoded = _decode_gaps(out.select("gap_mask", "_inv_first").unique(), codes, t)
    out = out.join(decoded, on=["gap_mask", "_inv_first"], how="left")
    return out.with_columns(
        (pl.col("gap_mask") * 2 + pl.col("_inv_first").cast(pl.Int64)).alias("gap_key")
    ).drop("_inv_first")


def _decode_gaps(keys: pl.DataFrame, codes: list[str], t: DecisionTables) -> pl.DataFrame:
    """Per distinct (gap_mask, invoice first): the gap codes, whether each blocks, the first blocking one."""
    r = t.readiness
    invoice_first = pl.col("_inv_first")

    def blocks(code: str) -> pl.Expr:
        if code in INVOICE_CODES:
            return (
                pl.when(invoice_first)
                .then(pl.lit(r.invoice_gap_severity_invoice_first == "block"))
                .otherwise(pl.lit(r.invoice_gap_severity_otherwise == "block"))
            )
        return pl.lit(r.severities[code] == "block")

    present = [((pl.col("gap_mask") & (1 << i)) != 0, code) for i, code in enumerate(codes)]
    return keys.with_columns(
        pl.concat_list([pl.when(bit).then(pl.lit(code)) for bit, code in present])
        .list.drop_nulls()
        .alias("gaps"),
        pl.concat_list([pl.when(bit).then(blocks(code)) for bit, code in present])
        .list.drop_nulls()
        .alias("gap_blocks"),
        pl.coalesce([pl.when(bit & blocks(code)).then(pl.lit(code)) for bit, code in present]).alias(
            "first_block"
        ),
    )


def nature(f: pl.DataFrame, as_of: date, t: DecisionTables) -> pl.DataFrame:
    """``nature``, ``nature_score`` and ``nature_codes`` (point reasons, then the verdict)."""
    n = t.nature
    pts = n.points
    broken = (
        pl.col("broken_dates")
        .list.eval(
            (
                ((pl.lit(as_of) - pl.element()).dt.total_days() >= 0)
                & ((pl.lit(as_of) - pl.element()).dt.total_days() <= n.broken_promise_window_days)
            ).cast(pl.Int64)
        )
        .list.sum()
        .fill_null(0)
    )
    answered = pl.col("answered_last_contact").fill_null(False)
    budget_delay = pl.col("budget_delay")
    tight = pl.col("funds_status").is_in(sorted(FUNDS_SHORT)) & answered
    signals: list[tuple[pl.Expr, str, pl.Expr]] = [
        (broken > 0, "broken_promises", pl.min_horizontal(broken * pts["broken_promises"], n.broken_promises_max)),
        (pl.col("evasion"), "evasion_recorded", pl.lit(pts["evasion_recorded"])),
        (pl.col("refused_to_stamp"), "refuses_to_stamp", pl.lit(pts["refuses_to_stamp"])),
        (pl.col("denied_debt"), "denies_debt", pl.lit(pts["denies_debt"])),
        (pl.col("pays_others"), "pays_others_not_us", pl.lit(pts["pays_others_not_us"])),
        (pl.col("on_time_share").fill_null(-1.0) >= n.on_time_share_min, "on_time_history",
         pl.lit(pts["on_time_history"])),
        (within("last_conf_on", as_of, n.confirmation_window_days), "recent_stamped_confirmation",
         pl.lit(pts["recent_stamped_confirmation"])),
        (within("last_paid_on", as_of, n.payment_window_days), "recent_payment", pl.lit(pts["recent_payment"])),
        (answered, "answered_last_contact", pl.lit(pts["answered_last_contact"])),
        (budget_delay, "known_budget_delay", pl.lit(pts["known_budget_delay"])),
        (tight, "funds_tight_cooperative", pl.lit(pts["funds_tight_cooperative"])),
    ]  # fmt: skip
    score = pl.sum_horizontal([pl.when(c).then(p).otherwise(0) for c, _code_, p in signals])
    kinds = pl.sum_horizontal([pl.when(c & (p > 0)).then(1).otherwise(0) for c, _code_, p in signals])
    mask = pl.sum_horizontal(
        [pl.when(c).then(1 << i).otherwise(0) for i, (c, _code_, _p) in enumerate(signals)]
    )
    out = f.with_columns(
        score.cast(pl.Int64).alias("nature_score"),
        kinds.cast(pl.Int64).alias("_kinds"),
        mask.cast(pl.Int64).alias("_mask"),
    )
    s, k = pl.col("nature_score"), pl.col("_kinds")
    confirmed = pl.col("malicious_confirmed_by").fill_null("") != ""
    proposed = (s >= n.malicious_min_score) & (k >= n.malicious_min_kinds)
    verdict = (
        pl.when(pl.col("dispute_open"))
        .then(0)
        .when(s <= n.non_malicious_max_score)
        .then(1)
        .when(proposed & confirmed)
        .then(2)
        .when(proposed)
        .then(3)
        .when(s >= n.malicious_min_score)
        .then(4)
        .otherwise(5)
    )
    out = out.with_columns((pl.col("_mask") * 8 + verdict).alias("_nkey"))
    names = [code for _c, code, _p in signals]
    table = [(key, *_decode_nature(key, names)) for key in out["_nkey"].unique().to_list()]
    decoded = pl.DataFrame(
        table,
        schema={"_nkey": pl.Int64, "nature": pl.String, "nature_codes": pl.List(pl.String)},
        orient="row",
    )
    return out.join(decoded, on="_nkey", how="left").drop("_kinds", "_mask", "_nkey")


VERDICTS = (
    ("disputed", "dispute_open"),
    ("non_malicious", "nature_non_malicious"),
    ("malicious", "malicious_confirmed"),
    ("unknown", "malicious_signals_unconfirmed"),
    ("unknown", "malicious_signals_single_kind"),
    ("unknown", "nature_unknown"),
)


def _decode_nature(key: int, names: list[str]) -> tuple[str, list[str]]:
    mask, verdict = divmod(key, 8)
    points = [name for i, name in enumerate(names) if mask >> i & 1]
    nature, code = VERDICTS[verdict]
    # A dispute comes first and replaces the verdict (`classify_nature`).
    return nature, ([code, *points] if verdict == 0 else [*points, code])


def inputs(f: pl.DataFrame, as_of: date, we_are_sme: bool, t: DecisionTables) -> pl.DataFrame:
    """``budget_delay``, ``sme_protected``, ``can_pay_now``, ``future_business`` (before nature) —
    risk and expected days come after it (`risk_inputs`)."""
    budget_gap = pl.col("needs_budget").fill_null(False) & (
        pl.col("budget_year").is_null() | (pl.col("budget_year") != as_of.year)
    )
    types = f["customer_type"].drop_nulls().unique().to_list()
    covered = [x for x in types if sme_regulation_applies(we_are_sme, x)]
    other = pl.col("active_contracts") - pl.when(pl.col("contract_active") == 1).then(1).otherwise(0)
    return f.with_columns(
        budget_gap.alias("budget_delay"),
        pl.col("customer_type").is_in(covered).fill_null(False).alias("sme_protected"),
        (pl.col("funds_status").is_in(sorted(FUNDS_OK)).fill_null(False) & ~budget_gap).alias("can_pay_now"),
        ((pl.col("relationship") == "strategic").fill_null(False) | (other > 0)).alias("future_business"),
    )


def risk_inputs(f: pl.DataFrame, t: DecisionTables) -> pl.DataFrame:
    """``risk`` (the model's, else the fallback table by nature × age band) and ``expected_days``
    (`inputs.expected_days_to_pay`: the model's days, else the customer's median lateness rule)."""
    first, second = t.risk.band_limits
    d = pl.col("days_overdue")
    band = pl.when(d <= 0).then(0).when(d <= first).then(1).when(d <= second).then(2).otherwise(3)
    risk = pl.lit(None, dtype=pl.Float64)
    for name, row in t.risk.fallback.items():
        for i, p in enumerate(row):
            risk = pl.when((pl.col("nature") == name) & (band == i)).then(pl.lit(p)).otherwise(risk)
    minimum = float(t.risk.expected_days_minimum)
    raw = pl.col("median_days_late").cast(pl.Float64) - d.cast(pl.Float64)
    days = (
        pl.when(pl.col("median_days_late").is_null() | (raw < minimum)).then(pl.lit(minimum)).otherwise(raw)
    )
    if "model_risk" in f.columns:  # the prediction model's answers win where it gives them (§6)
        risk = pl.coalesce(pl.col("model_risk"), risk)
        model_days = pl.max_horizontal(pl.col("model_days"), pl.lit(0.0))
        days = pl.when(pl.col("model_days").is_not_null()).then(model_days).otherwise(days)
    return f.with_columns(risk.alias("risk"), days.alias("expected_days"))


def evidence(f: pl.DataFrame, t: DecisionTables) -> pl.DataFrame:
    """``evidence_complete`` as `inputs.evidence_complete(evidence_facts_from(...))`."""
    r = t.readiness
    strong_conf = pl.when(pl.col("last_conf_seal").is_in(STRONG)).then(pl.col("last_conf_on"))
    ack = pl.max_horizontal(strong_conf, pl.col("last_demand_on"))
    expires = pl.col("limitation_expires_on")
    invoices_ok = ~pl.col("gaps").list.eval(pl.element().is_in(INVOICE_CODES)).list.any()
    receipt = ~pl.col("kind").is_in(sorted(r.delivery_receipt_kinds)) | pl.col("has_delivery_receipt")
    cert = ~pl.col("kind").is_in(sorted(r.acceptance_certificate_kinds)) | pl.col("has_acceptance_cert")
    ack_ok = ack.is_not_null() & (expires.is_null() | (ack <= expires))
    complete = pl.col("has_contract_doc") & invoices_ok & receipt & cert & ack_ok
    return f.with_columns(complete.fill_null(False).alias("evidence_complete"))


def limitation(f: pl.DataFrame, events: pl.DataFrame, as_of: date, policy: LimitationPolicy) -> pl.DataFrame:
    """``limitation_expires_on`` and ``limitation_code`` (the warning tier) per receivable.

    The clock restarts at every interruption while it runs (an event on or before the current
    expiry) and at every acknowledgement after expiry. Between two acknowledgements the
    non-acknowledgement events that count form a prefix: once one comes too late, so does every
    later one, so the last counting event is found without a loop.
    """
    years = f"{policy.years}y"
    due = f.select(pl.col("id").alias("receivable_id"), "due_on")
    e = (
        events.join(due, on="receivable_id")
        .filter((pl.col("on") >= pl.col("due_on")) & (pl.col("on") <= as_of))
        .with_columns(pl.col("kind").is_in(sorted(ACKNOWLEDGEMENTS)).alias("ack"))
        .filter(~(pl.col("ack") & ~pl.col("seal").is_in([*list(STRONG), "department", "signature"])))
        .sort("receivable_id", "on")
    )
    e = e.with_columns(
        pl.col("on").shift(1).over("receivable_id").fill_null(pl.col("due_on")).alias("prev"),
        pl.col("ack").cast(pl.Int64).cum_sum().over("receivable_id").alias("segment"),
    )
    late = ~pl.col("ack") & (pl.col("on") > pl.col("prev").dt.offset_by(years))
    e = e.with_columns(late.cast(pl.Int64).cum_sum().over("receivable_id", "segment").alias("_late"))
    runs = (
        e.filter(pl.col("ack") | (pl.col("_late") == 0))
        .group_by("receivable_id")
        .agg(pl.col("on").max().alias("runs_from"))
    )
    out = f.join(runs, left_on="id", right_on="receivable_id", how="left").with_columns(
        pl.coalesce("runs_from", "due_on").dt.offset_by(years).alias("limitation_expires_on")
    )
    left = (pl.col("limitation_expires_on") - pl.lit(as_of)).dt.total_days()
    tier: Any = pl.when(left < 0).then(pl.lit("limitation_expired"))
    for days, code in sorted(policy.warn_tiers):
        tier = tier.when(left <= days).then(pl.lit(code))
    return out.with_columns(
        left.alias("limitation_days_left"), tier.otherwise(None).alias("limitation_code")
    ).drop("runs_from")
