"""Reasons as JSON text (codes with parameters), built column-wise for the whole portfolio.

The web page and the exports translate them with the reason registry; parameters carry what the
text needs (dates ISO, rates as fractions).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from huikuan.core.tables import DecisionTables


def _q(expr: pl.Expr) -> pl.Expr:
    """A JSON string literal of a column (codes, ISO dates and plain words: no escaping needed
    beyond quotes and backslashes)."""
    text = (
        expr.cast(pl.String)
        .str.replace_all("\\", "\\\\", literal=True)
        .str.replace_all('"', '\\"', literal=True)
    )
    return pl.when(expr.is_null()).then(pl.lit("null")).otherwise(pl.lit('"') + text + pl.lit('"'))


def _num(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr.is_null()).then(pl.lit("null")).otherwise(expr.cast(pl.String))


def _obj(pairs: list[tuple[str, pl.Expr]]) -> pl.Expr:
    parts: list[pl.Expr] = [pl.lit("{")]
    for i, (key, value) in enumerate(pairs):
        parts += [pl.lit(("," if i else "") + f'"{key}":'), value]
    parts.append(pl.lit("}"))
    return pl.concat_str(parts)


def _params(t: DecisionTables) -> dict[str, pl.Expr]:
    """The parameters of each decisive strategy reason, as JSON text over the rows it applies to."""
    step = pl.col("first_block").replace_strict(
        list(t.readiness.steps), list(t.readiness.steps.values()), default=None, return_dtype=pl.String
    )
    expires = ("expires_on", _q(pl.col("limitation_expires_on")))
    return {
        "limitation_expiring": _obj([expires, ("days_left", _num(pl.col("limitation_days_left")))]),
        "reacknowledge": _obj([expires]),
        "paused_until": _obj([("until", _q(pl.col("pause_until"))), ("reason", _q(pl.col("pause_reason")))]),
        "blocking_gap": _obj([("gap", _q(pl.col("first_block"))), ("step", _q(step))]),
        "funds_tight_plan": _obj([("status", _q(pl.col("funds_status")))]),
        "budget_or_process_delay": _obj([("window_on", _q(pl.col("ask_by")))]),
        "reminders_unanswered": _obj([("count", _num(pl.col("unanswered")))]),
        "discount_worthwhile": _obj(
            [("offer", _num(pl.col("d_offer"))), ("break_even", _num(pl.col("d_break_even")))]
        ),
        "malicious_evidence_complete": _obj([("rung", _q(pl.col("sanction")))]),
    }


# The columns compact reads besides the keys and the decisive reasons' parameters.
INPUTS = (
    "gap_key",
    "gaps",
    "gap_blocks",
    "rank_mask",
    "rank_reasons",
    "reason_codes",
    "strategy",
    "timing_params",
)


def _list_text(codes: list[str]) -> str:
    return "[" + ",".join(f'"{c}"' for c in codes) + "]"


def compact(
    f: pl.DataFrame, t: DecisionTables, keep: Sequence[str] | None = None
) -> tuple[pl.DataFrame, dict[str, dict[str, Any]]]:
    """The lists of each row as small keys, plus the dictionaries that decode them.

    Adds ``reason_key`` (the strategy's reason codes) and ``detail`` (JSON text: ``p``, the
    parameters of the decisive reason; ``t``, those of the timing engine's deciding reason; empty
    when neither has any). ``gap_key`` and ``rank_mask`` are already keys. Storing keys instead of
    the lists keeps a status row short: the write-back is the run's largest cost. With ``keep``, the
    frame returned has only those columns and the two keys (the rest are not copied).
    """
    keys = ["row", "reason_flags", "first_block"]
    params = _params(t)
    if keep is not None:
        used = {n for expr in params.values() for n in expr.meta.root_names()}
        f = f.select(*dict.fromkeys([*keep, *keys, *sorted(used), *INPUTS]))
    gaps = f.select("gap_key", "gaps", "gap_blocks").unique("gap_key")
    gap_codes = {
        str(k): [[c, "block" if b else "warn"] for c, b in zip(g, bl, strict=True)]
        for k, g, bl in gaps.iter_rows()
    }
    ranks = f.select("rank_mask", "rank_reasons").unique("rank_mask")
    rank_codes = {str(k): list(codes) for k, codes in ranks.iter_rows()}
    distinct = f.select(*keys, "reason_codes").unique(keys, maintain_order=True).with_row_index("reason_key")
    reason_codes = {str(k): list(codes) for k, *_rest, codes in distinct.iter_rows()}
    lookup = distinct.select(
        pl.col("reason_key").cast(pl.Int64), *keys, pl.col("reason_codes").list.first().alias("_first")
    )
    f = f.join(lookup, on=keys, how="left", nulls_equal=True)
    parts = []
    for (code,), group in f.partition_by("_first", as_dict=True).items():
        parts.append(group.with_columns(params.get(str(code), pl.lit("{}")).alias("_params")))
    f = pl.concat(parts, how="vertical_relaxed") if parts else f.with_columns(pl.lit("{}").alias("_params"))
    timed = (pl.col("strategy") != "wait") & (pl.col("timing_params").fill_null("{}") != "{}")
    p_part = pl.when(pl.col("_params") != "{}").then(pl.lit('"p":') + pl.col("_params"))
    t_part = pl.when(timed).then(pl.lit('"t":') + pl.col("timing_params"))
    body = pl.concat_str([p_part, t_part], separator=",", ignore_nulls=True)
    detail = pl.when(body == "").then(pl.lit("")).otherwise(pl.lit("{") + body + pl.lit("}"))
    f = f.with_columns(detail.alias("detail")).drop("_first", "_params")
    if keep is not None:
        f = f.select(*dict.fromkeys([*keep, "reason_key", "detail"]))
    return f, {"gaps": gap_codes, "rank_reasons": rank_codes, "reasons": reason_codes}
