"""A feature for day D uses nothing dated on or after D: perturbing the future never changes it.

For random ledgers and random days D, every invoice issued after D is changed, dropped or joined by
new ones; every settlement on or after D moves to another day on or after D (or never happens);
every event on or after D moves, disappears or multiplies. The features of every receivable
issued by D, taken on D, must stay exactly the same — and a change *before* D must show.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huikuan.core.prediction.features import build_features
from huikuan.core.prediction.schema import EVENT_KINDS, EVENTS
from prediction.data import synthetic_invoices

START = date(2024, 1, 1)


def random_events(rng: random.Random, customers: list[str], n: int = 150) -> pl.DataFrame:
    rows = [
        (rng.choice(customers), START + timedelta(days=rng.randint(0, 600)), rng.choice(EVENT_KINDS))
        for _ in range(n)
    ]
    return pl.DataFrame(rows, schema=EVENTS, orient="row")


def perturb_future(
    rng: random.Random, invoices: pl.DataFrame, events: pl.DataFrame, d: date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Change everything dated on or after ``d``, leave everything before it alone."""
    rows = invoices.to_dicts()
    out = []
    for r in rows:
        if r["invoice_on"] > d:  # issued after D: anything may differ, or it may not exist at all
            if rng.random() < 0.2:
                continue
            r["amount"] = rng.uniform(1, 5000)
            r["disputed"] = rng.random() < 0.5
            r["channel"] = rng.choice(["Paper", "Electronic", "Fax"])
            r["invoice_on"] = d + timedelta(days=rng.randint(1, 90))
            r["due_on"] = r["invoice_on"] + timedelta(days=rng.randint(0, 90))
            r["settled_on"] = rng.choice([None, r["invoice_on"] + timedelta(days=rng.randint(0, 120))])
        elif r["settled_on"] is not None and r["settled_on"] >= d:  # open on D: when it is paid is the future
            r["settled_on"] = rng.choice([None, d + timedelta(days=rng.randint(0, 200))])
        out.append(r)
    max_id = max(r["id"] for r in rows)
    for k in range(rng.randint(0, 10)):  # invoices that only appear after D
        issued = d + timedelta(days=rng.randint(1, 60))
        out.append({**rows[0], "id": max_id + 1 + k, "customer": rng.choice(["C00", "C05", "NEW"]), "invoice_on": issued,
                    "due_on": issued + timedelta(days=30), "settled_on": issued + timedelta(days=rng.randint(0, 60))})  # fmt: skip
    later = events.filter(pl.col("on") >= d)
    moved = later.sample(fraction=0.5, seed=rng.randint(0, 10**6)).with_columns(
        (pl.col("on") + pl.duration(days=rng.randint(0, 30))).alias("on")
    )
    extra = pl.DataFrame(
        [
            (rng.choice(["C01", "C02"]), d + timedelta(days=rng.randint(0, 30)), rng.choice(EVENT_KINDS))
            for _ in range(5)
        ],
        schema=EVENTS,
        orient="row",
    )
    new_events = pl.concat([events.filter(pl.col("on") < d), moved, extra])
    return pl.DataFrame(out, schema=invoices.schema), new_events


def features_on(invoices: pl.DataFrame, events: pl.DataFrame, d: date, ids: list[int]) -> pl.DataFrame:
    queries = invoices.filter(pl.col("id").is_in(ids)).sort("id").with_columns(pl.lit(d).alias("at"))
    return build_features(invoices, queries, events).drop("settled_on").sort("id")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), offset=st.integers(30, 560))
def test_perturbing_anything_after_the_prediction_day_never_changes_a_feature(seed: int, offset: int) -> None:
    rng = random.Random(seed)
    invoices = synthetic_invoices(seed % 1000, customers=6, per_customer=20)
    events = random_events(rng, invoices["customer"].unique().to_list())
    d = START + timedelta(days=offset)
    ids = invoices.filter(pl.col("invoice_on") <= d)["id"].to_list()
    before = features_on(invoices, events, d, ids)
    changed_invoices, changed_events = perturb_future(rng, invoices, events, d)
    after = features_on(changed_invoices, changed_events, d, ids)
    assert before.equals(after, null_equal=True), "a feature for D changed when only the future changed"


def test_a_change_before_the_prediction_day_does_show() -> None:
    # The check above has teeth: the same comparison sees a settlement moved within the past.
    invoices = synthetic_invoices(3, customers=4, per_customer=20)
    d = date(2025, 3, 1)
    ids = invoices.filter(pl.col("invoice_on") <= d)["id"].to_list()
    settled_before = invoices.filter(pl.col("settled_on") < d - timedelta(days=20))["id"][0]
    moved = invoices.with_columns(
        pl.when(pl.col("id") == settled_before)
        .then(pl.col("settled_on") + pl.duration(days=10))
        .otherwise(pl.col("settled_on"))
        .alias("settled_on")
    )
    empty = pl.DataFrame(schema=EVENTS)
    assert not features_on(invoices, empty, d, ids).equals(features_on(moved, empty, d, ids), null_equal=True)


def test_the_invoice_itself_is_not_its_own_history() -> None:
    invoices = synthetic_invoices(5, customers=1, per_customer=3)
    first = invoices.sort("invoice_on").head(1).with_columns(pl.col("invoice_on").alias("at"))
    f = build_features(invoices, first)
    assert f["h_n"].to_list() == [0] and f["open_n"].to_list() == [0]
