"""Per open receivable, every fact the rules read: one frame built from the portfolio with joins.

The bulk rules (`rules.py`) and the scalar reference (`scalar.py`) both read this frame, so the
two differ only in how they apply the method, which is what the equality test checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from huikuan.core.analytics import promises as P
from huikuan.core.analytics.aging import bucket_expr, days_overdue_expr
from huikuan.core.analytics.ledger import open_cents, paid_by_due, settlements, with_effective_dates
from huikuan.core.analytics.schema import Portfolio, RunSettings
from huikuan.core.analytics.scope import resolve
from huikuan.core.tables import DEFAULT_TABLES, DecisionTables

ROLES = ("payer", "decision_maker", "acceptor", "finance", "other")
ANSWERED = ("answered", "promised", "paid", "refused", "dispute")
UNANSWERED = ("no_answer", "evaded")
SIGNAL_FLAGS = ("evasion", "refused_to_stamp", "denied_debt", "pays_others")
# The ledger stores seals without the suffix; the core rules use the full names.
SEAL_NAMES = {"company": "company_seal", "finance": "finance_seal", "contract": "contract_seal",
              "department": "department_seal", "signature": "signature"}  # fmt: skip
STRONG = ("company", "finance", "contract")


@dataclass(frozen=True)
class Facts:
    """The facts frame of the open receivables and the frames derived on the way."""

    open: pl.DataFrame  # one row per open receivable
    all_open: pl.DataFrame  # id, open_c for every receivable (KPIs)
    allocations: pl.DataFrame  # with eff_on
    events: pl.DataFrame  # limitation events of open receivables: receivable_id, on, kind, seal
    outcomes: pl.DataFrame  # promise outcomes
    disputes: pl.DataFrame  # receivable_id of open disputes
    warnings: tuple[str, ...]


# The prediction model's answers per receivable (`huikuan.core.prediction.apply`); null without a model.
PREDICTED = {"model_pay_on": pl.Date, "model_days": pl.Float64, "model_risk": pl.Float64}


def build_facts(
    p: Portfolio,
    as_of: date,
    settings: RunSettings,
    tables: DecisionTables = DEFAULT_TABLES,
    predictions: pl.DataFrame | None = None,
) -> Facts:
    alloc = with_effective_dates(p.allocations, settings.bills_collected_at_maturity)
    opens = open_cents(p.receivables, alloc, p.adjustments, as_of)
    rec = p.receivables.join(opens, on="id").with_columns(
        days_overdue_expr(as_of).alias("days_overdue"),
        (pl.col("recognised_on").is_not_null() & (pl.col("recognised_on") <= as_of)).alias("trigger_fired"),
    )
    f = rec.filter(pl.col("open_c") > 0).with_columns(
        bucket_expr(pl.col("days_overdue"), settings.aging_buckets).alias("bucket")
    )
    targets = f.lazy().select("id", "contract_id", "customer_id")
    f = f.join(_customers(p, f, as_of), left_on="customer_id", right_on="id", how="left")
    f = f.join(_contacts(p), left_on="customer_id", right_on="customer_id", how="left")

    issues = _open_issues(p, as_of)
    named_issues = resolve(issues.lazy(), targets).collect()
    disputes = named_issues.filter(pl.col("is_dispute") == 1).select("receivable_id").unique()
    issue_facts = named_issues.group_by("receivable_id").agg(
        pl.col("id").n_unique().alias("open_issues"), (pl.col("is_dispute") == 1).any().alias("dispute_open")
    )
    f = f.join(issue_facts, left_on="id", right_on="receivable_id", how="left")
    f = f.join(_invoices(p), left_on="id", right_on="receivable_id", how="left")
    docs = resolve(p.documents.lazy(), targets, whole="whole").collect()
    f = f.join(_documents(docs), left_on="id", right_on="receivable_id", how="left")

    outcomes = P.outcomes(p.promises, p.promise_links, alloc, as_of, settings.promise_grace_days)
    pause = P.pauses(outcomes, p.promise_links, disputes, f.select("id"), as_of)
    f = _join_pause(f, pause, as_of)
    broken = P.broken_within(outcomes, as_of, tables.nature.broken_promise_window_days)
    f = f.join(
        p.promise_links.join(broken.select("promise_id"), on="promise_id")
        .select("receivable_id")
        .unique()
        .with_columns(pl.lit(True).alias("broken_promise")),
        left_on="id",
        right_on="receivable_id",
        how="left",
    )
    f = f.join(
        broken.group_by("customer_id").agg(pl.col("promised_on").sort().alias("broken_dates")),
        on="customer_id",
        how="left",
    )
    f = f.join(_history(p, rec, alloc, as_of), on="customer_id", how="left")
    f = f.join(_activity(p, as_of, tables), on="customer_id", how="left")
    f = f.join(_fx(p, settings), on="currency", how="left")
    f = _with_predictions(_finish(f, as_of), predictions)
    events = _events(docs, alloc, f)
    warnings = tuple(
        f"currency_without_rate:{c}"
        for c in f.filter(pl.col("rate_micro").is_null())["currency"].unique().sort()
    )
    return Facts(f, opens, alloc, events, outcomes, disputes, warnings)


def _with_predictions(f: pl.DataFrame, predictions: pl.DataFrame | None) -> pl.DataFrame:
    if predictions is None:
        return f.with_columns([pl.lit(None, dtype=t).alias(c) for c, t in PREDICTED.items()])
    return f.join(predictions.select("id", *PREDICTED).cast(PREDICTED), on="id", how="left")  # type: ignore[arg-type]


def _join_pause(f: pl.DataFrame, pause: pl.DataFrame, as_of: date) -> pl.DataFrame:
    joined = f.rename({"pause_until": "manual_until", "pause_reason": "manual_reason"}).join(
        pause, on="id", how="left"
    )
    return joined.with_columns(
        P.with_manual_pause(
            pl.col("pause_until"),
            pl.col("pause_reason"),
            pl.col("manual_until"),
            pl.col("manual_reason"),
            as_of,
        )
    )


def _customers(p: Portfolio, f: pl.DataFrame, as_of: date) -> pl.DataFrame:
    active = (
        p.receivables.filter(pl.col("contract_active") == 1)
        .group_by("customer_id")
        .agg(pl.col("contract_id").n_unique().alias("active_contracts"))
    )
    sanctions = p.sanctions.group_by("customer_id").agg(
        pl.col("kind").unique().sort().alias("sanctions_active"),
        pl.col("legal_basis").filter(pl.col("legal_basis") != "").first().alias("legal_basis"),
    )
    reviews = (
        p.reviews.filter(pl.col("on_day") <= as_of)
        .sort("on_day", "id")
        .group_by("customer_id")
        .agg(pl.col("confirmed").last(), pl.col("username").last())
        .select(
            "customer_id",
            pl.when(pl.col("confirmed") == 1).then(pl.col("username")).alias("malicious_confirmed_by"),
        )
    )
    return (
        p.customers.rename({"owner_id": "customer_owner_id"})
        .join(active, left_on="id", right_on="customer_id", how="left")
        .join(sanctions, left_on="id", right_on="customer_id", how="left")
        .join(reviews, left_on="id", right_on="customer_id", how="left")
        .join(p.payments, left_on="id", right_on="customer_id", how="left")
    )


def _contacts(p: Portfolio) -> pl.DataFrame:
    """Per customer: whether each role is covered and the first contact (lowest id) holding it."""
    c = p.contacts.sort("id")
    out = c.select("customer_id").unique()
    for role in ROLES:
        first = (
            c.filter(pl.col(f"is_{role}"))
            .group_by("customer_id")
            .agg(pl.col("id").first().alias(f"{role}_id"), pl.col("availability").first().alias(f"{role}_av"))
        )
        out = out.join(first, on="customer_id", how="left")
    return out


def _open_issues(p: Portfolio, as_of: date) -> pl.DataFrame:
    resolved = pl.col("resolved_on")
    still_open = pl.when(resolved.is_not_null()).then(resolved > as_of).otherwise(pl.col("status") == "open")
    return p.issues.filter((pl.col("opened_on") <= as_of) & still_open).select(
        "id", "customer_id", "contract_id", "receivable_id", "is_dispute"
    )


def _invoices(p: Portfolio) -> pl.DataFrame:
    valid = pl.col("status") != "red_reversed"
    return p.invoices.group_by("receivable_id").agg(
        pl.col("amount_c").filter(valid).sum().alias("inv_valid_c"),
        valid.sum().alias("inv_valid_n"),
        (~valid).sum().alias("inv_reversed_n"),
        (pl.col("status") == "issued").sum().alias("inv_undelivered_n"),
    )


def _documents(docs: pl.DataFrame) -> pl.DataFrame:
    kind = pl.col("kind")
    sealed_conf = (kind == "balance_confirmation") & ~pl.col("seal_kind").is_in(["none", ""])
    conf_on = pl.coalesce("returned_on", "issued_on")
    strength = pl.col("seal_kind").is_in(STRONG).cast(pl.Int64)
    confs = (
        docs.filter(sealed_conf & conf_on.is_not_null())
        .with_columns(conf_on.alias("conf_on"), strength.alias("_strong"))
        .sort("receivable_id", "conf_on", "_strong", "id")
        .group_by("receivable_id")
        .agg(
            pl.col("conf_on").last().alias("last_conf_on"), pl.col("seal_kind").last().alias("last_conf_seal")
        )
    )
    flags = docs.group_by("receivable_id").agg(
        (kind == "contract").any().alias("has_contract_doc"),
        (kind == "delivery_receipt").any().alias("has_delivery_receipt"),
        (kind == "acceptance_certificate").any().alias("has_acceptance_cert"),
        pl.col("delivered_on").filter(kind == "demand").max().alias("last_demand_on"),
    )
    return flags.join(confs, on="receivable_id", how="left")


def _history(p: Portfolio, rec: pl.DataFrame, alloc: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Per customer: on-time share of past milestones and median days late of settled ones."""
    past = rec.filter(pl.col("due_on") < as_of)
    at_due = paid_by_due(past, alloc, p.adjustments)
    settled = settlements(past, alloc, p.adjustments, as_of)
    frame = (
        past.select("id", "customer_id", "due_on").join(at_due, on="id").join(settled, on="id", how="left")
    )
    late = pl.max_horizontal((pl.col("settled_on") - pl.col("due_on")).dt.total_days(), pl.lit(0))
    return frame.group_by("customer_id").agg(
        ((pl.col("open_at_due_c") <= 0).sum() / pl.len()).alias("on_time_share"),
        late.filter(pl.col("settled_on").is_not_null()).median().alias("median_days_late"),
    )


def _activity(p: Portfolio, as_of: date, tables: DecisionTables) -> pl.DataFrame:
    a = p.activities.filter(pl.col("on_day") <= as_of)
    window = as_of - timedelta(days=tables.nature.broken_promise_window_days)
    recent = pl.col("on_day") >= window
    signals = a.group_by("customer_id").agg(
        *[((pl.col(flag) == 1) & recent).any().alias(flag) for flag in SIGNAL_FLAGS]
    )
    told = a.filter(pl.col("outcome").is_in(ANSWERED + UNANSWERED))
    last_day = told.group_by("customer_id").agg(pl.col("on_day").max().alias("_last"))
    answered_last = (
        told.join(last_day, on="customer_id")
        .filter(pl.col("on_day") == pl.col("_last"))
        .group_by("customer_id")
        .agg(pl.col("outcome").is_in(ANSWERED).any().alias("answered_last_contact"))
    )
    last_answered = (
        told.filter(pl.col("outcome").is_in(ANSWERED))
        .group_by("customer_id")
        .agg(pl.col("on_day").max().alias("_answered"))
    )
    unanswered = (
        told.filter(pl.col("outcome").is_in(UNANSWERED))
        .join(last_answered, on="customer_id", how="left")
        .filter(pl.col("_answered").is_null() | (pl.col("on_day") > pl.col("_answered")))
        .group_by("customer_id")
        .agg(pl.len().cast(pl.Int64).alias("unanswered"))
    )
    return signals.join(answered_last, on="customer_id", how="full", coalesce=True).join(
        unanswered, on="customer_id", how="full", coalesce=True
    )


def _fx(p: Portfolio, settings: RunSettings) -> pl.DataFrame:
    latest = (
        p.exchange_rates.sort("effective_on")
        .group_by("currency")
        .agg(pl.col("rate_micro").last())
        .filter(pl.col("currency") != settings.base_currency)
    )
    base = pl.DataFrame({"currency": [settings.base_currency], "rate_micro": [1_000_000]})
    return pl.concat([base, latest], how="vertical_relaxed")


def _finish(f: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Fill the gaps of left joins and add the base-currency open amount."""
    false = {
        "dispute_open": False,
        "has_contract_doc": False,
        "has_delivery_receipt": False,
        "has_acceptance_cert": False,
        "broken_promise": False,
        "paused": False,
        **{flag: False for flag in SIGNAL_FLAGS},
    }
    zero = {"open_issues": 0, "inv_valid_c": 0, "inv_valid_n": 0, "inv_reversed_n": 0, "inv_undelivered_n": 0,
            "unanswered": 0, "active_contracts": 0}  # fmt: skip
    rate = pl.col("rate_micro")
    # Half up to the cent: (open × rate_micro + ½·10⁶) // 10⁶, exact in integers.
    base = (pl.col("open_c") * rate + 500_000) // 1_000_000
    return f.with_columns(
        *[pl.col(k).fill_null(v) for k, v in false.items()],
        *[pl.col(k).fill_null(v).cast(pl.Int64) for k, v in zero.items()],
        base.alias("open_base_c"),
        pl.col("broken_dates").fill_null([]),
        pl.col("sanctions_active").fill_null([]),
    )


def _events(docs: pl.DataFrame, alloc: pl.DataFrame, f: pl.DataFrame) -> pl.DataFrame:
    """Limitation events naming open receivables (DESIGN §3): confirmations and promise letters
    (acknowledgements, with their seal), delivered demands, partial payments."""
    kind = pl.col("kind")
    acks = docs.filter(kind.is_in(["balance_confirmation", "promise_letter"])).select(
        "receivable_id",
        pl.coalesce("returned_on", "issued_on").alias("on"),
        pl.when(kind == "balance_confirmation")
        .then(pl.lit("balance_confirmation"))
        .otherwise(pl.lit("written_promise"))
        .alias("kind"),
        pl.col("seal_kind").alias("seal"),
    )
    demands = docs.filter(kind == "demand").select(
        "receivable_id", pl.col("delivered_on").alias("on"), pl.lit("demand_delivered").alias("kind"),
        pl.lit(None, dtype=pl.String).alias("seal"),
    )  # fmt: skip
    payments = (
        alloc.filter(pl.col("amount_c") > 0)
        .join(f.select("id"), left_on="receivable_id", right_on="id", how="semi")
        .select(
            "receivable_id",
            pl.col("paid_on").alias("on"),
            pl.lit("partial_payment").alias("kind"),
            pl.lit(None, dtype=pl.String).alias("seal"),
        )
    )
    return (
        pl.concat([acks, demands, payments], how="vertical_relaxed")
        .filter(pl.col("on").is_not_null())
        .unique()
        .sort("receivable_id", "on", "kind", "seal", nulls_last=True)
    )
