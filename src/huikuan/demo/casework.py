"""Issues that block payment (disputes among them), other creditors, monthly collection targets, and the
manager's confirmation of malicious debts with the credit hold that follows."""

from __future__ import annotations

import numpy as np

from huikuan.demo import names as N
from huikuan.demo import texts as T
from huikuan.demo.bulk import NULL_DAY, days_col, format_col, masked, money_col, pick_col
from huikuan.demo.context import Context, month_start
from huikuan.demo.customers import DISTRESSED, MALICIOUS, Customers
from huikuan.demo.deals import Deals
from huikuan.demo.money import Settlement
from huikuan.demo.people import Staff, person_names

STREAM = 17
ISSUE_KINDS = ["quality", "delivery", "dispute", "other"]


def write_issues(
    ctx: Context, cust: Customers, deals: Deals, st: Settlement, acceptance_doc: np.ndarray
) -> None:
    from huikuan.collection.models import BlockingIssue

    rng, today, w = ctx.rng(STREAM), ctx.today, ctx.writer
    fired = deals.recognised != NULL_DAY
    open_pool = np.flatnonzero(fired & (st.open > 0) & (deals.due < today))
    late_pool = np.flatnonzero(fired & (st.open <= 0) & (st.last_day > deals.due + 30))
    n = max(1, round(deals.n_contracts * 0.025))
    n_open = min(len(open_pool), round(n * 0.4))
    n_done = min(len(late_pool), n - n_open)
    rec = np.r_[
        rng.choice(open_pool, n_open, replace=False), rng.choice(late_pool, n_done, replace=False)
    ].astype(np.int64)
    resolved = np.r_[np.zeros(n_open, dtype=bool), np.ones(n_done, dtype=bool)]
    k = len(rec)
    kind = rng.choice(4, k, p=[0.35, 0.2, 0.3, 0.15])
    dispute = (kind == 2) | ((kind == 0) & (rng.random(k) < 0.3))
    opened = np.minimum(np.maximum(deals.due[rec] - rng.integers(0, 31, k), deals.recognised[rec]), today)
    done = np.where(
        resolved,
        np.minimum(
            np.maximum(opened + rng.integers(10, 121, k), opened), np.maximum(st.last_day[rec], opened)
        ),
        NULL_DAY,
    )
    pick = rng.integers(0, 1000, k)
    ids = w.ids(BlockingIssue, k)
    w.write(
        BlockingIssue,
        k,
        {
            "id": ids,
            "customer": cust.ids[deals.rcust[rec]],
            "contract": deals.contract_ids[deals.contract[rec]],
            "kind": pick_col(ISSUE_KINDS, kind),
            "severity": pick_col(["low", "medium", "high"], rng.choice(3, k, p=[0.3, 0.5, 0.2])),
            "status": pick_col(["open", "resolved"], resolved.astype(np.int64)),
            "is_dispute": dispute,
            "description": format_col(
                lambda kd, p: T.ISSUE_DESCRIPTIONS[ISSUE_KINDS[kd]][
                    p % len(T.ISSUE_DESCRIPTIONS[ISSUE_KINDS[kd]])
                ],
                kind,
                pick,
            ),
            "opened_on": days_col(opened),
            "resolved_on": days_col(done),
        },
        "问题 issues",
    )
    through = BlockingIssue.receivables.through
    w.write(
        through,
        k,
        {"id": w.ids(through, k), "blockingissue": ids, "receivable": deals.receivable_ids[rec]},
        quiet=True,
    )
    doc = acceptance_doc[deals.contract[rec]]
    with_doc = np.flatnonzero((doc >= 0) & (rng.random(k) < 0.5))
    through = BlockingIssue.evidence.through
    w.write(
        through,
        len(with_doc),
        {"id": w.ids(through, len(with_doc)), "blockingissue": ids[with_doc], "document": doc[with_doc]},
        quiet=True,
    )


def write_other_creditors(ctx: Context, cust: Customers) -> None:
    from huikuan.collection.models import OtherCreditor

    rng, w = ctx.rng(STREAM, 1), ctx.writer
    p = np.where(np.isin(cust.klass, [DISTRESSED, MALICIOUS]), 0.3, 0.02)
    count = np.where(rng.random(cust.n) < p, rng.integers(1, 4, cust.n), 0)
    who = np.repeat(np.arange(cust.n), count)
    k = len(who)
    city = rng.integers(0, len(N.CITIES), k)
    b1 = rng.integers(0, len(N.BRAND_FIRST), k)
    b2 = rng.integers(0, len(N.BRAND_SECOND), k)
    ind = rng.integers(0, len(N.INDUSTRIES), k)
    people = person_names(rng, k)
    mobile = rng.integers(0, 100_000_000, k)
    owed = rng.integers(50, 5_000, k) * 1_000_00
    w.write(
        OtherCreditor,
        k,
        {
            "id": w.ids(OtherCreditor, k),
            "customer": cust.ids[who],
            "name": format_col(
                lambda c, x, y, i: (
                    f"{N.CITIES[c][0]}{N.BRAND_FIRST[x][0]}{N.BRAND_SECOND[y][0]}{N.INDUSTRIES[i][0]}有限公司"
                ),
                city,
                b1,
                b2,
                ind,
            ),
            "contact": format_col(lambda i, m: f"{people[i][0][0]}经理 139{m:08d}", np.arange(k), mobile),
            "amount_owed": money_col(owed, null=rng.random(k) < 0.3),
            "notes": pick_col(T.CREDITOR_NOTES, rng.integers(0, len(T.CREDITOR_NOTES), k)),
        },
        "其他供应商 other creditors",
    )


def write_targets(ctx: Context, deals: Deals, staff: Staff) -> None:
    """回款目标 per salesperson and team for the last 12 months and the next: ~85 % of what falls due."""
    from huikuan.collection.models import CollectionTarget

    w = ctx.writer
    this_month = int(month_start(np.array([ctx.today]))[0])
    months = (
        np.array([np.datetime64(this_month, "D").astype("datetime64[M]") + k for k in range(-11, 2)])
        .astype("datetime64[D]")
        .astype(np.int64)
    )
    order = np.argsort(staff.sales_ids)
    owner = order[np.searchsorted(staff.sales_ids[order], deals.owner[deals.contract])]
    slot = np.searchsorted(months, month_start(deals.due))
    inside = (slot < len(months)) & (months[np.minimum(slot, len(months) - 1)] == month_start(deals.due))
    due = np.zeros((len(staff.sales_ids), len(months)), dtype=np.int64)
    np.add.at(due, (owner[inside], slot[inside]), deals.ramount[inside])
    user_target = np.maximum(due * 85 // 100 // 1_000_000 * 1_000_000, 5_000_000)
    team_target = np.zeros((len(staff.team_ids), len(months)), dtype=np.int64)
    np.add.at(team_target, staff.sales_team, user_target)
    s, t, m = len(staff.sales_ids), len(staff.team_ids), len(months)
    n = (s + t) * m
    w.write(
        CollectionTarget,
        n,
        {
            "id": w.ids(CollectionTarget, n),
            "user": masked(
                format_col(int, np.r_[np.repeat(staff.sales_ids, m), np.zeros(t * m, np.int64)]),
                np.arange(n) >= s * m,
            ),
            "team": masked(
                format_col(int, np.r_[np.zeros(s * m, np.int64), np.repeat(staff.team_ids, m)]),
                np.arange(n) < s * m,
            ),
            "month": days_col(np.tile(months, s + t)),
            "amount": money_col(np.r_[user_target.ravel(), team_target.ravel()]),
        },
        "回款目标 targets",
    )


def write_reviews(ctx: Context, cust: Customers, deals: Deals, st: Settlement, staff: Staff) -> None:
    """A manager confirms some malicious debts (D1); a credit hold follows for most of them."""
    from huikuan.collection.models import NatureReview, Sanction

    rng, today, w = ctx.rng(STREAM, 2), ctx.today, ctx.writer
    overdue = np.zeros(cust.n, dtype=bool)
    np.logical_or.at(overdue, deals.rcust, (st.open > 0) & (deals.due < today - 90))
    who = np.flatnonzero((cust.klass == MALICIOUS) & overdue & (rng.random(cust.n) < 0.5))
    k = len(who)
    confirmed = rng.random(k) < 0.8
    manager = staff.manager_of(cust.owner[who]) if k else cust.owner[who]
    w.write(
        NatureReview,
        k,
        {
            "id": w.ids(NatureReview, k),
            "customer": cust.ids[who],
            "confirmed_malicious": confirmed,
            "reviewed_by": manager,
            "reason": pick_col(
                [*T.REVIEW_REASONS, "经核实系资金周转困难，不认定为恶意"],
                np.where(confirmed, rng.integers(0, 2, k), 2),
            ),
        },
        "欠款性质认定 nature reviews",
    )
    held = np.flatnonzero(confirmed)
    h = len(held)
    active = rng.random(h) < 0.7
    w.write(
        Sanction,
        h,
        {
            "id": w.ids(Sanction, h),
            "customer": cust.ids[who[held]],
            "kind": "credit_hold",
            "legal_basis": "",
            "reason": T.SANCTION_REASONS[0],
            "status": pick_col(["proposed", "active"], active.astype(np.int64)),
            "proposed_by": cust.owner[who[held]],
            "approved_by": masked(format_col(int, manager[held]), ~active),
            "activated_on": days_col(np.where(active, today - rng.integers(5, 91, h), NULL_DAY)),
        },
        "惩戒 sanctions",
    )
