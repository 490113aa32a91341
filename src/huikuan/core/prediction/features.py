"""Point-in-time features: what was known about a receivable and its customer on the prediction day.

For each query row (a receivable and its prediction day ``at``) the customer's history counts only
invoices **settled before** ``at`` (strictly), and dated events (promise outcomes, returned
confirmations, disputes, behaviour signals) **before** ``at``. Invoices issued before ``at`` and not
yet settled count as open (their being unpaid is known on ``at``; when they will be paid is not).
Nothing dated on or after ``at`` enters a feature, which `tests/prediction/test_no_lookahead.py`
proves by perturbing everything after ``at``.

Each statistic is a running total per customer in settlement order, looked up for ``at`` with an
as-of join, so a portfolio of a million receivables is a few sorts and joins, not a loop.

>>> from datetime import date
>>> inv = invoices_frame({"id": [1, 2, 3], "customer": ["c"] * 3,
...     "invoice_on": [date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)],
...     "due_on": [date(2024, 1, 31), date(2024, 3, 2), date(2024, 3, 31)],
...     "settled_on": [date(2024, 2, 10), date(2024, 3, 1), None], "amount": [10.0, 20.0, 30.0]})
>>> f = build_features(inv, at_invoice(inv))
>>> f.select("id", "h_n", "h_delay_mean", "open_n").rows()
[(1, 0, None, 0), (2, 0, None, 1), (3, 1, 10.0, 1)]
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from huikuan.core.calendar import WorkCalendar
from huikuan.core.prediction.effects import CellStats, with_effects
from huikuan.core.prediction.schema import empty_events, invoices_frame

__all__ = ["CATEGORICAL", "at_invoice", "build_features", "invoices_frame", "numeric_features"]

CATEGORICAL = ("segment", "kind", "channel", "funds_status")
HISTORY = (
    "h_n", "h_delay_mean", "h_delay_std", "h_delay_med", "h_delay_last", "h_delay_last3", "h_delay_ewm",
    "h_trend", "h_late_share", "h_late30_share", "h_dts_mean", "h_disputed_share", "h_delay_disputed",
    "h_delay_undisputed", "h_days_since_settled", "amount_rel", "open_n", "open_amount_rel",
    "h_resid", "p_disputed", "cell_channel", "prior_channel",
)  # fmt: skip
# Known while collecting, not on the invoice date: the receivable's own dispute flag and what follows.
DISPUTE = ("disputed_now", "cell_disputed", "prior_disputed")
EVENT_FEATURES = (
    "promises_kept_ratio", "promises_broken_180", "promises_decided", "confirmations_returned",
    "confirmation_age", "disputes_before", "signals_180",
)  # fmt: skip
CALENDAR = (
    "terms", "amount_log", "invoice_month", "invoice_dow", "due_dom", "due_to_month_end",
    "due_quarter_end", "due_dow", "due_holidays", "due_workday",
)  # fmt: skip
MEDIAN_WINDOW = 20  # "long-run" median over the last 20 settlements: exact enough, and a rolling op
EWM_ALPHA = 0.3


def numeric_features(with_dispute: bool) -> list[str]:
    """The model's feature columns; ``with_dispute`` adds the receivable's own dispute flag.

    >>> "disputed_now" in numeric_features(True), "disputed_now" in numeric_features(False)
    (True, False)
    """
    extra = list(DISPUTE) if with_dispute else []
    return [*CATEGORICAL, *HISTORY, *EVENT_FEATURES, *CALENDAR, *extra]


def at_invoice(invoices: pl.DataFrame) -> pl.DataFrame:
    """Query rows that predict each invoice on its own invoice date (the evaluation's setting)."""
    return invoices.with_columns(pl.col("invoice_on").alias("at"))


def _days(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    return (a - b).dt.total_days().cast(pl.Float64)


def _history(invoices: pl.DataFrame) -> pl.DataFrame:
    """Running statistics per customer after each settlement day (the last row of each day)."""
    delay = _days(pl.col("settled_on"), pl.col("due_on"))
    s = (
        invoices.filter(pl.col("settled_on").is_not_null())
        .with_columns(
            delay.alias("d"),
            _days(pl.col("settled_on"), pl.col("invoice_on")).alias("dts"),
            pl.col("disputed").fill_null(False).cast(pl.Float64).alias("disp"),
        )
        .sort("customer", "settled_on", "id")
    )
    c = "customer"

    def cum(e: pl.Expr) -> pl.Expr:
        return e.cum_sum().over(c)

    s = s.with_columns(
        pl.int_range(1, pl.len() + 1).over(c).alias("h_n"),
        cum(pl.col("d")).alias("_sd"),
        cum(pl.col("d") ** 2).alias("_sd2"),
        cum((pl.col("d") > 0).cast(pl.Float64)).alias("_late"),
        cum((pl.col("d") > 30).cast(pl.Float64)).alias("_late30"),
        cum(pl.col("dts")).alias("_dts"),
        cum(pl.col("disp")).alias("_disp"),
        cum(pl.col("d") * pl.col("disp")).alias("_dd"),
        cum(pl.col("amount").fill_null(0.0)).alias("_amt"),
        pl.col("d").rolling_median(MEDIAN_WINDOW, min_samples=1).over(c).alias("h_delay_med"),
        pl.col("d").alias("h_delay_last"),
        pl.col("d").rolling_mean(3, min_samples=1).over(c).alias("h_delay_last3"),
        pl.col("d").ewm_mean(alpha=EWM_ALPHA, adjust=True).over(c).alias("h_delay_ewm"),
        pl.col("settled_on").alias("h_last_settled"),
    )
    n = pl.col("h_n").cast(pl.Float64)
    mean = pl.col("_sd") / n
    n_disp = pl.col("_disp")
    s = s.with_columns(
        mean.alias("h_delay_mean"),
        (pl.col("_sd2") / n - mean**2).clip(lower_bound=0.0).sqrt().alias("h_delay_std"),
        (pl.col("_late") / n).alias("h_late_share"),
        (pl.col("_late30") / n).alias("h_late30_share"),
        (pl.col("_dts") / n).alias("h_dts_mean"),
        (n_disp / n).alias("h_disputed_share"),
        pl.when(n_disp > 0).then(pl.col("_dd") / n_disp).alias("h_delay_disputed"),
        pl.when(n > n_disp).then((pl.col("_sd") - pl.col("_dd")) / (n - n_disp)).alias("h_delay_undisputed"),
        (pl.col("_amt") / n).alias("h_amount_mean"),
    )
    keep = [
        "h_n", "h_delay_mean", "h_delay_std", "h_delay_med", "h_delay_last", "h_delay_last3", "h_delay_ewm",
        "h_late_share", "h_late30_share", "h_dts_mean", "h_disputed_share", "h_delay_disputed",
        "h_delay_undisputed", "h_amount_mean", "h_last_settled",
    ]  # fmt: skip
    return (
        s.select(c, pl.col("settled_on").alias("_on"), *keep)
        .unique([c, "_on"], keep="last", maintain_order=True)
        .sort("_on")
    )


def _issued(invoices: pl.DataFrame) -> pl.DataFrame:
    """Running count and amount of invoices issued per customer, after each invoice day."""
    s = invoices.sort("customer", "invoice_on", "id").with_columns(
        pl.int_range(1, pl.len() + 1).over("customer").alias("_issued_n"),
        pl.col("amount").fill_null(0.0).cum_sum().over("customer").alias("_issued_amt"),
    )
    return (
        s.select("customer", pl.col("invoice_on").alias("_on"), "_issued_n", "_issued_amt")
        .unique(["customer", "_on"], keep="last", maintain_order=True)
        .sort("_on")
    )


def _settled_amount(invoices: pl.DataFrame) -> pl.DataFrame:
    s = invoices.filter(pl.col("settled_on").is_not_null()).sort("customer", "settled_on", "id")
    s = s.with_columns(pl.col("amount").fill_null(0.0).cum_sum().over("customer").alias("_settled_amt"))
    return (
        s.select("customer", pl.col("settled_on").alias("_on"), "_settled_amt")
        .unique(["customer", "_on"], keep="last", maintain_order=True)
        .sort("_on")
    )


def _before(q: pl.DataFrame, table: pl.DataFrame, days_back: int = 0) -> pl.DataFrame:
    """Join the running row of ``table`` for the customer's last day strictly before ``at`` − ``days_back``."""
    key = (pl.col("at") - pl.duration(days=days_back + 1)).alias("_key")
    right = table.rename({"_on": "_on_r"})
    out = (
        q.with_columns(key)
        .sort("_key")
        .join_asof(
            right,
            left_on="_key",
            right_on="_on_r",
            by="customer",
            strategy="backward",
            check_sortedness=False,
        )  # both sides are sorted by the key just above
    )
    return out.drop("_key", "_on_r")


def _event_counts(q: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """Per query row: how many events of each kind the customer had before ``at`` (and in windows)."""
    groups = {
        "kept": ["promise_kept"],
        "partly": ["promise_partly_kept"],
        "broken": ["promise_broken"],
        "conf": ["confirmation_returned"],
        "disp": ["dispute_opened"],
        "sig": ["evasion", "refused_to_stamp", "denied_debt", "pays_others"],
    }
    windows = {"broken": 180, "sig": 180}
    before = set(q.columns)
    for name, kinds in groups.items():
        e = events.filter(pl.col("kind").is_in(kinds)).sort("customer", "on")
        table = (
            e.with_columns(
                pl.int_range(1, pl.len() + 1).over("customer").alias(f"_{name}"),
                pl.col("on").alias(f"_{name}_last"),
            )
            .select("customer", pl.col("on").alias("_on"), f"_{name}", f"_{name}_last")
            .unique(["customer", "_on"], keep="last", maintain_order=True)
            .sort("_on")
        )
        q = _before(q, table)
        if name in windows:
            old = table.select("customer", "_on", pl.col(f"_{name}").alias(f"_{name}_old"))
            q = _before(q, old, days_back=windows[name])
    temporary = [c for c in q.columns if c not in before]

    def zero(name: str) -> pl.Expr:
        return pl.col(name).fill_null(0).cast(pl.Float64)

    decided = zero("_kept") + zero("_partly") + zero("_broken")
    return q.with_columns(
        pl.when(decided > 0).then(zero("_kept") / decided).alias("promises_kept_ratio"),
        (zero("_broken") - zero("_broken_old")).alias("promises_broken_180"),
        decided.alias("promises_decided"),
        zero("_conf").alias("confirmations_returned"),
        _days(pl.col("at"), pl.col("_conf_last")).alias("confirmation_age"),
        zero("_disp").alias("disputes_before"),
        (zero("_sig") - zero("_sig_old")).alias("signals_180"),
    ).drop(temporary)


def _calendar(q: pl.DataFrame) -> pl.DataFrame:
    """Month-end, quarter-end and public holidays around the due date (China's calendar)."""
    due = pl.col("due_on")
    month_end = due.dt.month_end()
    days = q.select(pl.col("due_on").unique().drop_nulls())["due_on"].to_list()
    holidays = _holiday_counts(days)
    table = pl.DataFrame(
        {"due_on": list(holidays), "due_holidays": [h for h, _w in holidays.values()],
         "due_workday": [w for _h, w in holidays.values()]},
        schema={"due_on": pl.Date, "due_holidays": pl.Float64, "due_workday": pl.Float64},
    )  # fmt: skip
    return q.join(table, on="due_on", how="left").with_columns(
        _days(due, pl.col("invoice_on")).alias("terms"),
        (pl.col("amount").clip(lower_bound=0.0) + 1.0).log().alias("amount_log"),
        pl.col("invoice_on").dt.month().cast(pl.Float64).alias("invoice_month"),
        pl.col("invoice_on").dt.weekday().cast(pl.Float64).alias("invoice_dow"),
        due.dt.day().cast(pl.Float64).alias("due_dom"),
        _days(month_end, due).alias("due_to_month_end"),
        (due.dt.month().is_in([3, 6, 9, 12]) & (_days(month_end, due) <= 10))
        .cast(pl.Float64)
        .alias("due_quarter_end"),
        due.dt.weekday().cast(pl.Float64).alias("due_dow"),
    )


def _holiday_counts(days: list[date]) -> dict[date, tuple[float, float]]:
    """Per due date: public rest days on weekdays from 3 days before to 7 after, and whether it is a
    workday. Years the holiday package does not cover count as Monday–Friday (no holidays)."""
    cal = WorkCalendar()
    cache: dict[date, bool] = {}

    def rest(d: date) -> bool:
        if d not in cache:
            cache[d] = not cal.is_workday(d) and d.weekday() < 5
        return cache[d]

    out: dict[date, tuple[float, float]] = {}
    for d in days:
        n = sum(rest(d + timedelta(days=k)) for k in range(-3, 8))
        out[d] = (float(n), float(cal.is_workday(d)))
    return out


def build_features(
    invoices: pl.DataFrame,
    queries: pl.DataFrame,
    events: pl.DataFrame | None = None,
    cells: CellStats | None = None,
) -> pl.DataFrame:
    """One row per query (same order) with every feature of `numeric_features` (floats, nulls = unknown).

    ``invoices`` is the whole history (the schema of `schema.INVOICES`); ``queries`` are invoice rows
    with a prediction day ``at``; ``events`` the dated customer events (`schema.EVENTS`); ``cells``
    everybody's cell means frozen at training (`effects.CellStats`), else running ones before ``at``.
    """
    q = queries.with_row_index("_row")
    q = _before(q, _history(invoices))
    q = _before(q, _issued(invoices))
    q = _before(q, _settled_amount(invoices))
    q = _event_counts(q, events if events is not None else empty_events()).sort("_row")
    # The receivable itself is open on ``at`` when it was issued before and is not settled by then.
    self_open = (pl.col("invoice_on") < pl.col("at")) & (
        pl.col("settled_on").is_null() | (pl.col("settled_on") >= pl.col("at"))
    )
    h_n = pl.col("h_n").fill_null(0)

    def zero(name: str) -> pl.Expr:
        return pl.col(name).fill_null(0.0)

    open_amount = (
        zero("_issued_amt") - zero("_settled_amt") - pl.when(self_open).then(pl.col("amount")).otherwise(0.0)
    )
    q = q.with_columns(
        h_n.alias("h_n"),
        (pl.col("h_delay_last3") - pl.col("h_delay_mean")).alias("h_trend"),
        _days(pl.col("at"), pl.col("h_last_settled")).alias("h_days_since_settled"),
        (pl.col("amount") / pl.col("h_amount_mean")).alias("amount_rel"),
        (pl.col("_issued_n").fill_null(0) - h_n - self_open.cast(pl.Int64)).alias("open_n"),
        (open_amount / pl.col("h_amount_mean")).alias("open_amount_rel"),
        pl.col("disputed").fill_null(False).cast(pl.Float64).alias("disputed_now"),
    )
    q = _calendar(with_effects(q, invoices, cells)).sort("_row")
    return q.drop([c for c in q.columns if c.startswith("_")] + ["h_amount_mean", "h_last_settled"])
