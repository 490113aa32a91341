"""承诺 and 回款方案: promises made in calls, visits and meetings, some extended, and payment plans whose
instalments are promises. Their status follows the money that actually came (kept / partly kept /
broken / pending), decided at promised_on + 3 days' grace."""

from __future__ import annotations

import numpy as np
import polars as pl

from huikuan.demo.activities import MEETING, PROMISED, STRATEGIES, ActivityRows, write_activity_rows
from huikuan.demo.bulk import days_col, format_col, masked, money_col, pick_col, ref_col
from huikuan.demo.context import Context
from huikuan.demo.customers import Customers
from huikuan.demo.deals import Deals
from huikuan.demo.money import Pieces, Settlement
from huikuan.demo.outcomes import (
    PLAN_STATUSES,
    STATUSES,
    PromiseBatch,
    extend,
    make_plans,
    make_promises,
)
from huikuan.demo.people import Staff

STREAM = 13


def write_promises(
    ctx: Context, cust: Customers, deals: Deals, st: Settlement, pieces: Pieces, staff: Staff
) -> int:
    """Promises, plans, their approvals, letters and activities; returns the number of activities."""
    from huikuan.collection.models import Activity, Approval, PaymentPlan, Promise
    from huikuan.ledger.models import Document

    rng, w, scale = ctx.rng(STREAM), ctx.writer, ctx.scale
    pf = pl.DataFrame({"rec": pieces.rec, "day": pieces.day, "cents": pieces.cents})
    single = make_promises(ctx, rng, cust, deals, st, pf, int(scale.activities * 0.04))
    ext = extend(ctx, rng, deals, pf, single)
    inst, plan_rec, plan_made, plan_status = make_plans(
        ctx, rng, cust, deals, st, pf, min(round(scale.customers * 0.01), scale.activities // 100)
    )
    n1, n2, n_plans = len(single.rec), len(ext.rec), len(plan_rec)
    p = _concat(single, ext, inst)
    n = len(p.rec)
    promise_ids = w.ids(Promise, n)
    plan_ids = w.ids(PaymentPlan, n_plans)

    # One activity per promise made in a call/visit/meeting, one meeting per plan.
    act_rec = np.r_[p.rec[: n1 + n2], plan_rec]
    act_day = np.r_[p.made[: n1 + n2], plan_made]
    k = len(act_rec)
    act_ids = w.ids(Activity, k)
    channel = np.where(
        np.arange(k) >= n1 + n2, MEETING, rng.choice([0, 2, 5, 1], k, p=[0.5, 0.2, 0.25, 0.05])
    )
    who = deals.rcust[act_rec]
    c = deals.contract[act_rec]
    promised_text = np.r_[p.promised[: n1 + n2], plan_made + 30].astype("datetime64[D]").astype(str)
    amount_text = [
        f"{x / 100:,.2f}" for x in np.r_[p.amount[: n1 + n2], _plan_totals(inst, n_plans)].tolist()
    ]
    notes = [
        f"对方承诺于{d}前支付{a}元" if i < n1 + n2 else f"协商分期付款方案，首期于{d}前支付，合计{a}元"
        for i, (d, a) in enumerate(zip(promised_text.tolist(), amount_text, strict=True))
    ]
    strategy = np.where(
        np.arange(k) >= n1 + n2, STRATEGIES.index("payment_plan"), rng.choice([1, 2, 3, 5], k)
    )
    write_activity_rows(
        ctx,
        act_ids,
        ActivityRows(
            customer=cust.ids[who],
            contract=deals.contract_ids[c],
            receivable=deals.receivable_ids[act_rec],
            contact=cust.payer_contact[who],
            user=deals.owner[c],
            channel=channel,
            minute=act_day * 1440 + 540 + rng.integers(0, 510, k),
            strategy=strategy,
            outcome=np.full(k, PROMISED),
            notes=notes,
            flags=np.zeros((k, 4), dtype=bool),
            stage_pick=rng.integers(0, 1000, k),
            next_action=np.r_[p.promised[: n1 + n2], plan_made + 30] + 4,
        ),
    )

    owner = deals.owner[deals.contract[plan_rec]]
    plan_totals = _plan_totals(inst, n_plans)
    w.write(
        PaymentPlan,
        n_plans,
        {
            "id": plan_ids,
            "customer": cust.ids[deals.rcust[plan_rec]],
            "contract": deals.contract_ids[deals.contract[plan_rec]],
            "total": money_col(plan_totals),
            "status": pick_col(PLAN_STATUSES, plan_status),
            "created_by": owner,
            "notes": "客户资金紧张，按月分期支付",
        },
        "回款方案 payment plans",
    )
    through = PaymentPlan.receivables.through
    w.write(
        through,
        n_plans,
        {
            "id": w.ids(through, n_plans),
            "paymentplan": plan_ids,
            "receivable": deals.receivable_ids[plan_rec],
        },
        quiet=True,
    )

    activity_of = np.r_[act_ids[: n1 + n2], act_ids[n1 + n2 :][p.plan[n1 + n2 :]]] if n else act_ids
    written = np.r_[rng.random(n1 + n2) < 0.25, rng.random(n - n1 - n2) < 0.6]
    w.write(
        Promise,
        n,
        {
            "id": promise_ids,
            "customer": cust.ids[deals.rcust[p.rec]],
            "amount": money_col(p.amount),
            "promised_on": days_col(p.promised),
            "contact": cust.payer_contact[deals.rcust[p.rec]],
            "activity": activity_of,
            "plan": ref_col(plan_ids, p.plan),
            "sequence": masked(format_col(int, p.sequence), p.sequence == 0),
            "status": pick_col(STATUSES, p.status),
            "kept_amount": money_col(p.kept),
            "decided_on": days_col(p.decided),
            "extended_from": ref_col(promise_ids, p.extends),
            "written": written,
        },
        "承诺 promises",
    )
    through = Promise.receivables.through
    w.write(
        through,
        n,
        {"id": w.ids(through, n), "promise": promise_ids, "receivable": deals.receivable_ids[p.rec]},
        quiet=True,
    )

    # 付款承诺函 / 付款计划确认书: the written promises, stamped by the customer.
    letters = np.flatnonzero(written & ((p.plan < 0) | (p.sequence == 1)))
    doc_ids = w.ids(Document, len(letters))
    lr = p.rec[letters]
    w.write(
        Document,
        len(letters),
        {
            "id": doc_ids,
            "customer": cust.ids[deals.rcust[lr]],
            "contract": deals.contract_ids[deals.contract[lr]],
            "kind": "promise_letter",
            "title": pick_col(["付款承诺函", "付款计划确认书"], (p.plan[letters] >= 0).astype(np.int64)),
            "issued_on": days_col(p.made[letters]),
            "returned_on": days_col(p.made[letters]),
            "seal_kind": pick_col(
                ["company", "finance", "department", "signature"],
                rng.choice(4, len(letters), p=[0.4, 0.35, 0.15, 0.1]),
            ),
            "confirmed_amount": money_col(p.amount[letters]),
            "contact": cust.payer_contact[deals.rcust[lr]],
        },
        "承诺函 promise letters",
    )
    through = Document.receivables.through
    w.write(
        through,
        len(letters),
        {"id": w.ids(through, len(letters)), "document": doc_ids, "receivable": deals.receivable_ids[lr]},
        quiet=True,
    )

    # Approvals: payment plans (not drafts) and promise extensions, decided by the salesperson's manager.
    plan_ask = np.flatnonzero(plan_status > 0)
    ext_owner = deals.owner[deals.contract[ext.rec]]
    requester = np.r_[owner[plan_ask], ext_owner]
    pending = np.r_[plan_status[plan_ask] == 1, np.zeros(n2, dtype=bool)]
    m = len(requester)
    w.write(
        Approval,
        m,
        {
            "id": w.ids(Approval, m),
            "customer": np.r_[cust.ids[deals.rcust[plan_rec[plan_ask]]], cust.ids[deals.rcust[ext.rec]]],
            "kind": pick_col(
                ["payment_plan", "promise_extension"],
                np.r_[np.zeros(len(plan_ask)), np.ones(n2)].astype(np.int64),
            ),
            "subject_model": pick_col(
                ["collection.paymentplan", "collection.promise"],
                np.r_[np.zeros(len(plan_ask)), np.ones(n2)].astype(np.int64),
            ),
            "subject_id": np.r_[plan_ids[plan_ask], promise_ids[n1 : n1 + n2]],
            "amount": money_col(np.r_[plan_totals[plan_ask], ext.amount]),
            "requested_by": requester,
            "reason": pick_col(
                ["客户资金紧张，申请按月分期回款", "客户申请延期付款，已说明原因"],
                np.r_[np.zeros(len(plan_ask)), np.ones(n2)].astype(np.int64),
            ),
            "status": pick_col(["approved", "pending"], pending.astype(np.int64)),
            "decided_by": masked(format_col(int, staff.manager_of(requester) if m else requester), pending),
            "decided_at": masked(format_col(lambda _r: w.timestamp, requester), pending),
        },
        "审批 approvals",
    )
    return k


def _plan_totals(inst: PromiseBatch, n_plans: int) -> np.ndarray:
    totals = np.zeros(n_plans, dtype=np.int64)
    np.add.at(totals, inst.plan, inst.amount)
    return totals


def _concat(*batches: PromiseBatch) -> PromiseBatch:
    # Extensions point into the first batch, which keeps its position at the front.
    extends = [b.extends for b in batches]
    return PromiseBatch(
        *(
            np.concatenate([getattr(b, f) for b in batches]).astype(np.int64)
            for f in ("rec", "made", "amount", "promised", "status", "kept", "decided", "plan", "sequence")
        ),
        extends=np.concatenate(extends).astype(np.int64),
    )
