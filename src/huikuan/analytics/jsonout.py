"""The `huikuan daily --json FILE` document (FORMATS.md "Daily run JSON"), written from memory.

Receivable objects are encoded by Polars (in Rust) and streamed to the file; the keys of the
contract come first and are never renamed, extra keys only extend it. The JSON Schema kept beside
this module (``daily.schema.json``) describes the document; a test validates real output with it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from huikuan.analytics.run import RunOutcome
from huikuan.analytics.write import cents_text
from huikuan.core.analytics.summary import UNASSIGNED, usernames

SCHEMA_PATH = Path(__file__).with_name("daily.schema.json")


def receivable_objects(outcome: RunOutcome) -> pl.Series:
    """One JSON object per open receivable, in worklist order (owner, rank)."""
    r = outcome.evaluation.results
    p = outcome.portfolio
    names = pl.DataFrame(
        [(k, v) for k, v in usernames(p).items() if k is not None],
        schema={"owner_id": pl.Int64, "owner": pl.String},
        orient="row",
    )
    customers = p.customers.select(pl.col("id").alias("customer_id"), pl.col("name").alias("customer"))
    frame = r.join(customers, on="customer_id", how="left").join(names, on="owner_id", how="left")
    iso = lambda name: pl.col(name).cast(pl.String)  # noqa: E731
    next_action = pl.struct(
        pl.col("action_kind").alias("kind"),
        iso("action_on").alias("on"),
        pl.col("contact_role"),
        pl.col("contact_id"),
        pl.col("strategy"),
        pl.col("reason_codes")
        .list.concat(
            pl.when(
                (pl.col("strategy") != "wait")
                & pl.col("timing_code").is_not_null()
                & (pl.col("timing_code") != "")
            )
            .then(pl.concat_list(pl.col("timing_code")))
            .otherwise(pl.lit([], dtype=pl.List(pl.String)))
        )
        .alias("reasons"),
    )
    obj = pl.struct(
        "id",
        pl.col("customer").fill_null(""),
        "customer_id",
        "contract_no",
        pl.col("kind").alias("milestone"),
        pl.col("owner").fill_null(UNASSIGNED),
        "currency",
        cents_text("amount_c").alias("amount"),
        cents_text("open_c").alias("open"),
        iso("due_on").alias("due_on"),
        "days_overdue",
        "bucket",
        "nature",
        "risk",
        pl.col("gaps").alias("readiness_gaps"),
        iso("pause_until").alias("pause_until"),
        pl.col("pause_reason"),
        iso("limitation_expires_on").alias("limitation_expires_on"),
        pl.col("priority"),
        pl.col("rank_reasons"),
        next_action.alias("next_action"),
        # Extensions (FORMATS: extend only).
        pl.when(pl.col("open_base_c").is_null())
        .then(None)
        .otherwise(cents_text("open_base_c"))
        .alias("open_base"),
        "rank",
        pl.col("limitation_code").alias("limitation_warning"),
        pl.col("nature_codes").alias("nature_reasons"),
        pl.col("sanction").alias("sanction_suggestion"),
    )
    return frame.select(obj.struct.json_encode().alias("j"))["j"]


def document_head(outcome: RunOutcome) -> dict[str, Any]:
    run, summary = outcome.run, outcome.summary
    kpis = summary["kpis"]
    return {
        "as_of": run.as_of.isoformat(),
        "base_currency": outcome.settings.base_currency,
        "calendar_note": run.calendar_note or None,
        "warnings": list(run.warnings),
        "totals": summary["totals"],
        "aging": summary["aging"],
        "kpis": kpis,
        "run_id": run.pk,
        "statutory_aging": summary["statutory_aging"],
        "commission": summary["commission"],
        "forecast": summary["forecast"],
    }


def worklist(outcome: RunOutcome) -> dict[str, list[int]]:
    r = outcome.evaluation.results
    names = usernames(outcome.portfolio)
    grouped = r.group_by("owner_id", maintain_order=True).agg(pl.col("id"))
    return {names.get(owner, str(owner)): ids for owner, ids in grouped.iter_rows()}


def write_json(outcome: RunOutcome, path: str | Path) -> None:
    head = document_head(outcome)
    objects = receivable_objects(outcome)
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        text = json.dumps(head, ensure_ascii=False)
        out.write(text[:-1])
        out.write(', "receivables": [\n')
        if len(objects):
            out.write(objects.str.join(",\n").item())
        out.write('\n], "worklist": ')
        json.dump(worklist(outcome), out, ensure_ascii=False)
        out.write("}\n")
    tmp.replace(target)
