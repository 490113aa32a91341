"""The frames the prediction core reads: invoices (one row per receivable) and dated customer events.

Both the IBM evaluation file and the ledger become these frames, so one feature builder serves the
evaluation, the training from the database and the daily run. ``customer`` and ``segment`` are
strings (the IBM file's ids are text); amounts are in the base currency as floats (a feature, never
money that is added up).
"""

from __future__ import annotations

from typing import Any

import polars as pl

INVOICES: dict[str, Any] = {
    "id": pl.Int64,
    "customer": pl.String,
    "segment": pl.String,  # cold-start group: country code (IBM) or customer type (ledger)
    "invoice_on": pl.Date,  # invoice date / the day the milestone became receivable
    "due_on": pl.Date,
    "settled_on": pl.Date,  # null while open
    "amount": pl.Float64,
    "disputed": pl.Boolean,  # known while collecting, not on the invoice date
    "kind": pl.String,  # milestone kind ("" when the source has none)
    "channel": pl.String,  # how the invoice was sent ("" when unknown)
    "funds_status": pl.String,  # the customer's funds status ("" when unknown)
}

EVENT_KINDS = (
    "promise_kept",
    "promise_partly_kept",
    "promise_broken",
    "confirmation_returned",
    "dispute_opened",
    "evasion",
    "refused_to_stamp",
    "denied_debt",
    "pays_others",
)

EVENTS: dict[str, Any] = {"customer": pl.String, "on": pl.Date, "kind": pl.String}


def invoices_frame(data: dict[str, Any] | None = None) -> pl.DataFrame:
    """An invoices frame with the declared schema (missing optional columns filled with "").

    >>> invoices_frame().columns[:4]
    ['id', 'customer', 'segment', 'invoice_on']
    """
    frame = pl.DataFrame(
        data or {}, schema_overrides={k: v for k, v in INVOICES.items() if k in (data or {})}
    )
    for name, dtype in INVOICES.items():
        if name not in frame.columns:
            default = "" if dtype == pl.String else (False if dtype == pl.Boolean else None)
            frame = frame.with_columns(pl.lit(default, dtype=dtype).alias(name))
    return frame.select([pl.col(k).cast(v) for k, v in INVOICES.items()])


def empty_events() -> pl.DataFrame:
    return pl.DataFrame(schema=EVENTS)
