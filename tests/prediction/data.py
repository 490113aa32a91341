"""Test data for the prediction tests: the IBM file's place, small synthetic invoice sets."""

from __future__ import annotations

import os
import random
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from huikuan.core.prediction.schema import invoices_frame

ROOT = Path(__file__).resolve().parents[2]
IBM = Path(
    os.environ.get(
        "HUIKUAN_IBM_DATASET",
        ROOT.parent
        / "shared"
        / "data"
        / "ibm_wa_accounts_receivable"
        / "WA_Fn-UseC_-Accounts-Receivable.csv",
    )
)


def synthetic_invoices(
    seed: int, customers: int = 12, per_customer: int = 25, start: date = date(2024, 1, 1)
) -> pl.DataFrame:
    """Invoices whose delay is the customer's habit, +12 days when disputed, plus noise."""
    rng = random.Random(seed)
    rows = []
    next_id = 1
    for c in range(customers):
        habit = rng.choice([-5, 0, 3, 10, 25, 40])
        segment = "ABC"[c % 3]
        for _ in range(per_customer):
            issued = start + timedelta(days=rng.randint(0, 540))
            due = issued + timedelta(days=rng.choice([30, 30, 60]))
            disputed = rng.random() < 0.2
            delay = habit + (12 if disputed else 0) + rng.randint(-4, 4)
            settled = max(issued, due + timedelta(days=delay))
            rows.append(
                {"id": next_id, "customer": f"C{c:02d}", "segment": segment, "invoice_on": issued, "due_on": due,
                 "settled_on": settled, "amount": round(rng.uniform(10, 1000), 2), "disputed": disputed,
                 "kind": rng.choice(["delivery", "acceptance"]), "channel": rng.choice(["Paper", "Electronic"]),
                 "funds_status": rng.choice(["", "normal", "tight"])}
            )  # fmt: skip
            next_id += 1
    return invoices_frame({k: [r[k] for r in rows] for k in rows[0]})
