"""Promise outcomes over the portfolio equal the scalar rule `promises.promise_outcomes`, including
promises that compete for one payment (plan instalments, extensions) and reversals."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from huikuan.core.analytics.promises import core_allocations, core_promises, outcomes
from huikuan.core.analytics.schema import SCHEMAS
from huikuan.core.money import to_cents_int
from huikuan.core.promises import PromisePolicy, promise_outcomes

AS_OF = date(2026, 11, 27)
DAY = st.integers(min_value=-120, max_value=20).map(lambda d: AS_OF + timedelta(days=d))

promise_rows = st.lists(
    st.tuples(
        st.integers(1, 3),  # customer
        st.integers(1, 3),  # receivable within the customer
        st.integers(1, 5),  # second receivable (0 = none)
        st.integers(1, 2000),  # amount in yuan
        DAY,  # promised on
        st.one_of(st.none(), DAY),  # made on
    ),
    min_size=1,
    max_size=12,
)
payment_rows = st.lists(
    st.tuples(st.integers(1, 3), st.integers(1, 3), DAY, st.integers(-300, 2500)),
    max_size=20,
)


def _frames(promises: list, payments: list) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    p_rows, links = [], set()
    for i, (customer, rec, other, amount, on, made) in enumerate(promises, start=1):
        made = min(made, on) if made else None
        p_rows.append((i, customer, amount * 100, on, made, "pending"))
        links.add((i, customer * 10 + rec))
        if other <= 3 and other != rec:
            links.add((i, customer * 10 + other))
    a_rows = [
        (customer * 10 + rec, customer, on, "transfer", None, amount * 100, on)
        for customer, rec, on, amount in payments
        if amount != 0
    ]
    prom = pl.DataFrame(p_rows, schema=SCHEMAS["promises"], orient="row")
    link = pl.DataFrame(sorted(links), schema=SCHEMAS["promise_links"], orient="row")
    alloc = pl.DataFrame(a_rows, schema={**SCHEMAS["allocations"], "eff_on": pl.Date}, orient="row")
    return prom, link, alloc


@settings(max_examples=300, deadline=None)
@given(promise_rows, payment_rows)
def test_bulk_promise_outcomes_equal_the_scalar_rule(promises: list, payments: list) -> None:
    prom, link, alloc = _frames(promises, payments)
    got = {
        r["promise_id"]: (r["status"], r["paid_c"])
        for r in outcomes(prom, link, alloc, AS_OF, 3).iter_rows(named=True)
    }
    expected = {}
    for (customer,), group in prom.partition_by("customer_id", as_dict=True).items():
        mine = core_promises(group, link)
        named = set().union(*(p.receivable_ids for p in mine))
        allocs = [
            a
            for a in core_allocations(alloc.filter(pl.col("customer_id") == customer))
            if a.receivable_id in named
        ]
        for o in promise_outcomes(mine, allocs, AS_OF, PromisePolicy(grace_days=3)):
            expected[o.promise.id] = (o.status, to_cents_int(o.paid))
    assert got == expected
