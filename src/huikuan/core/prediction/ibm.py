"""The IBM Watson Analytics "Accounts Receivable" sample as an invoices frame (`schema.INVOICES`).

Columns used: customerID, countryCode (segment), invoiceNumber, InvoiceDate, DueDate, SettledDate,
InvoiceAmount, Disputed, PaperlessBill (channel). DaysToSettle and DaysLate are the targets and are
not read: they follow from the dates (checked in PROVENANCE.md). PaperlessDate is left out: on
early invoices it lies in the future.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from huikuan.core.prediction.schema import INVOICES

REQUIRED = (
    "countryCode", "customerID", "invoiceNumber", "InvoiceDate", "DueDate", "InvoiceAmount", "Disputed",
    "SettledDate", "PaperlessBill",
)  # fmt: skip
DATE_FORMAT = "%m/%d/%Y"


class DatasetError(ValueError):
    """The file is not the IBM accounts-receivable layout (the message names file, row and column)."""


def read_ibm(path: str | Path) -> pl.DataFrame:
    """Read the CSV; every cell must parse (a bad cell is an error naming its row and column)."""
    p = Path(path)
    try:
        raw = pl.read_csv(p, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise DatasetError(f"{p}: cannot read as CSV ({exc})") from exc
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise DatasetError(f"{p}: missing column(s) {', '.join(missing)}")
    if raw.height == 0:
        raise DatasetError(f"{p}: no rows")
    frame = raw.select(
        pl.col("invoiceNumber").str.strip_chars().cast(pl.Int64, strict=False).alias("id"),
        pl.col("customerID").str.strip_chars().alias("customer"),
        pl.col("countryCode").str.strip_chars().alias("segment"),
        *[
            pl.col(src).str.strip_chars().str.to_date(DATE_FORMAT, strict=False).alias(dst)
            for src, dst in (
                ("InvoiceDate", "invoice_on"),
                ("DueDate", "due_on"),
                ("SettledDate", "settled_on"),
            )
        ],
        pl.col("InvoiceAmount").str.strip_chars().cast(pl.Float64, strict=False).alias("amount"),
        pl.col("Disputed")
        .str.strip_chars()
        .str.to_lowercase()
        .replace_strict({"yes": True, "no": False}, default=None, return_dtype=pl.Boolean)
        .alias("disputed"),
        pl.lit("").alias("kind"),
        pl.col("PaperlessBill").str.strip_chars().alias("channel"),
        pl.lit("").alias("funds_status"),
    )
    sources = {"id": "invoiceNumber", "customer": "customerID", "segment": "countryCode",
               "invoice_on": "InvoiceDate", "due_on": "DueDate", "settled_on": "SettledDate",
               "amount": "InvoiceAmount", "disputed": "Disputed", "channel": "PaperlessBill"}  # fmt: skip
    for name, source in sources.items():
        bad = frame.with_row_index("_row").filter(
            pl.col(name).is_null() | (pl.col(name).cast(pl.String) == "")
        )
        if bad.height:
            row = int(bad["_row"][0]) + 2  # 1-based, after the header line
            raise DatasetError(f"{p}: row {row}, column {source}: {raw[source][row - 2]!r} is not valid")
    return frame.select([pl.col(k).cast(v) for k, v in INVOICES.items()])
