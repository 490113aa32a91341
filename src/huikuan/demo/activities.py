"""催款活动: calls, visits, letters, e-mails, WeCom/DingTalk messages and meetings (with the five stages
of D7), mostly on overdue milestones of customers that pay badly, generated and written in chunks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from huikuan.demo import texts as T
from huikuan.demo.bulk import NULL_DAY, days_col, masked, pick_col
from huikuan.demo.context import Context
from huikuan.demo.customers import DISTRESSED, MALICIOUS, Customers
from huikuan.demo.deals import Deals
from huikuan.demo.money import Settlement

STREAM = 11
CHUNK = 100_000
CHANNELS = ["call", "im", "visit", "email", "letter", "meeting"]
CALL, IM, VISIT, EMAIL, LETTER, MEETING = range(6)
CHANNEL_SHARE = [0.42, 0.2, 0.12, 0.08, 0.06, 0.12]
OUTCOMES = ["answered", "no_answer", "paid", "refused", "dispute", "evaded", "", "promised"]
ANSWERED, NO_ANSWER, PAID, REFUSED, DISPUTE, EVADED, NO_OUTCOME, PROMISED = range(8)
OUTCOME_BY_KLASS = np.array(
    [
        [0.60, 0.21, 0.10, 0.02, 0.01, 0.00, 0.06],
        [0.55, 0.26, 0.05, 0.05, 0.02, 0.01, 0.06],
        [0.45, 0.29, 0.04, 0.10, 0.04, 0.02, 0.06],
        [0.35, 0.34, 0.02, 0.15, 0.04, 0.04, 0.06],
        [0.25, 0.35, 0.01, 0.15, 0.04, 0.14, 0.06],  # malicious: evasion is a signal (D1)
    ]
)
STRATEGIES = [
    "", "remind", "timing", "exchange", "discount", "sympathy", "payment_plan", "resolve_issue_first",
    "fix_gap", "secure_limitation", "secure_evidence", "escalate", "wait",
]  # fmt: skip
STRATEGY_BY_KLASS = np.array(
    [
        [0.2, 0.4, 0.15, 0.1, 0.05, 0, 0, 0.02, 0.05, 0.03, 0, 0, 0],
        [0.2, 0.3, 0.25, 0.1, 0.03, 0, 0.02, 0.02, 0.05, 0.03, 0, 0, 0],
        [0.2, 0.25, 0.1, 0.05, 0.05, 0.1, 0.1, 0.05, 0.05, 0.05, 0, 0, 0],
        [0.2, 0.15, 0.05, 0, 0.05, 0.2, 0.2, 0.03, 0.02, 0.05, 0.05, 0, 0],
        [0.2, 0.1, 0, 0, 0, 0, 0.05, 0.02, 0.03, 0.1, 0.3, 0.2, 0],
    ]
)
NOTE_TABLES = [T.NOTES[o] for o in OUTCOMES[:7]]


@dataclass
class ActivityRows:
    """Columns of a batch of activities (indexes into the tables above; -1 = none)."""

    customer: np.ndarray  # customer ids
    contract: np.ndarray  # contract ids or -1
    receivable: np.ndarray  # receivable ids or -1 (one link each)
    contact: np.ndarray  # contact ids or -1
    user: np.ndarray
    channel: np.ndarray
    minute: np.ndarray  # local time, minutes since 1970-01-01 (Asia/Shanghai)
    strategy: np.ndarray
    outcome: np.ndarray
    notes: Any  # list or column function
    flags: np.ndarray  # (n, 4): evasion, refused_to_stamp, denied_debt, pays_others
    stage_pick: np.ndarray  # per row, a number picking the D7 sentences (meetings only)
    next_action: np.ndarray  # day or NULL_DAY


def write_activity_rows(ctx: Context, ids: np.ndarray, rows: ActivityRows, task: Any = None) -> None:
    from huikuan.collection.models import Activity

    n = len(ids)
    meeting = rows.channel == MEETING
    utc = rows.minute - 8 * 60  # stored in UTC, like Django does with USE_TZ
    stamps = pl.Series(utc.astype("datetime64[m]").astype("datetime64[ms]")).dt.strftime("%Y-%m-%d %H:%M:%S")
    if ctx.writer.vendor != "sqlite":
        stamps = stamps + "+00:00"
    columns: dict[str, Any] = {
        "id": ids,
        "customer": rows.customer,
        "contract": masked(lambda s, e: rows.contract[s:e].tolist(), rows.contract < 0),
        "contact": masked(lambda s, e: rows.contact[s:e].tolist(), rows.contact < 0),
        "user": rows.user,
        "channel": pick_col(CHANNELS, rows.channel),
        "occurred_at": stamps.to_list(),
        "strategy": pick_col(STRATEGIES, rows.strategy),
        "outcome": pick_col(OUTCOMES, rows.outcome),
        "notes": rows.notes,
        "evasion": rows.flags[:, 0],
        "refused_to_stamp": rows.flags[:, 1],
        "denied_debt": rows.flags[:, 2],
        "pays_others": rows.flags[:, 3],
        "next_action_on": days_col(rows.next_action),
    }
    for name, sentences in (
        ("stage_opening", T.STAGE_OPENING),
        ("stage_topic", T.STAGE_TOPIC),
        ("stage_bargaining", T.STAGE_BARGAINING),
        ("stage_actions", T.STAGE_ACTIONS),
        ("stage_follow_up", T.STAGE_FOLLOW_UP),
    ):
        columns[name] = masked(pick_col(sentences, rows.stage_pick % len(sentences)), ~meeting, "")
    ctx.writer.write(Activity, n, columns, "催款活动 activities", task=task)
    linked = np.flatnonzero(rows.receivable >= 0)
    through = Activity.receivables.through
    ctx.writer.write(
        through,
        len(linked),
        {
            "id": ctx.writer.ids(through, len(linked)),
            "activity": ids[linked],
            "receivable": rows.receivable[linked],
        },
        quiet=True,
    )


def activity_weights(cust: Customers, deals: Deals, settlement: Settlement, today: int) -> np.ndarray:
    """How much chasing each milestone attracted: overdue and badly paying customers most."""
    fired = deals.recognised != NULL_DAY
    overdue_open = fired & (settlement.open > 0) & (deals.due < today)
    late = np.maximum(settlement.last_day - deals.due, 0)
    w = np.where(
        overdue_open,
        3 + np.minimum((today - deals.due) / 60, 6),
        np.where(
            fired & (settlement.open <= 0),
            np.where(late > 5, 1 + np.minimum(late / 30, 4), 0.3),
            np.where(fired, 0.5, 0.05),
        ),
    )
    return w * np.array([1.0, 1.2, 1.5, 2.0, 2.5])[cust.klass[deals.rcust]]


def write_bulk_activities(
    ctx: Context, cust: Customers, deals: Deals, settlement: Settlement, total: int
) -> None:
    """``total`` activities on milestones drawn by ``activity_weights``, in chunks of CHUNK."""
    from huikuan.collection.models import Activity

    if total <= 0:
        return
    today = ctx.today
    weights = activity_weights(cust, deals, settlement, today)
    # How many activities each milestone gets; written milestone by milestone (so customer by customer,
    # which keeps the customer/contract indexes' inserts local and fast).
    per_rec = ctx.rng(STREAM).multinomial(total, weights / weights.sum())
    ends = np.cumsum(per_rec)
    first_id = int(ctx.writer.ids(Activity, total)[0])
    task = ctx.writer.task("催款活动 activities", total)
    for k, start in enumerate(range(0, total, CHUNK)):
        r = np.searchsorted(ends, np.arange(start, min(start + CHUNK, total)), side="right")
        rng = ctx.rng(STREAM, k + 1)
        n = len(r)
        c = deals.contract[r]
        who = deals.rcust[r]
        klass = cust.klass[who]
        fired = deals.recognised[r] != NULL_DAY
        lo = np.maximum(deals.due[r] - 15, np.where(fired, deals.recognised[r], deals.signed[c]))
        unpaid = (settlement.open[r] > 0) | (settlement.last_day[r] == NULL_DAY)  # open, or written off
        settled_day = np.where(unpaid, today, settlement.last_day[r] + 5)
        hi = np.minimum(settled_day, today)
        lo = np.minimum(lo, hi)
        day = workday(lo + (rng.random(n) * (hi - lo + 1)).astype(np.int64), today)
        scope = rng.random(n)
        channel = rng.choice(6, n, p=CHANNEL_SHARE)
        outcome = _draw(rng, OUTCOME_BY_KLASS[klass])
        outcome = np.where((channel == LETTER) & (rng.random(n) < 0.8), NO_OUTCOME, outcome)
        note_pick = rng.integers(0, 1000, n)
        bad = np.isin(klass, [DISTRESSED, MALICIOUS])
        flags = np.stack(
            [
                outcome == EVADED,
                (klass == MALICIOUS) & np.isin(channel, [LETTER, VISIT]) & (rng.random(n) < 0.1),
                (klass == MALICIOUS) & (outcome == REFUSED) & (rng.random(n) < 0.2),
                bad & (rng.random(n) < 0.01),
            ],
            axis=1,
        )
        contact_pick = cust.contact_first[who] + (rng.random(n) * cust.contact_count[who]).astype(np.int64)
        rows = ActivityRows(
            customer=cust.ids[who],
            contract=np.where(scope < 0.25, -1, deals.contract_ids[c]),
            receivable=np.where(scope < 0.4, -1, deals.receivable_ids[r]),
            contact=np.where(rng.random(n) < 0.08, -1, cust.contact_ids[contact_pick]),
            user=deals.owner[c],
            channel=channel,
            minute=day * 1440 + 540 + rng.integers(0, 510, n),
            strategy=_draw(rng, STRATEGY_BY_KLASS[klass]),
            outcome=outcome,
            notes=_notes(outcome, note_pick),
            flags=flags,
            stage_pick=note_pick,
            next_action=np.where(rng.random(n) < 0.6, day + rng.integers(3, 22, n), NULL_DAY),
        )
        write_activity_rows(ctx, np.arange(first_id + start, first_id + start + n), rows, task)


def workday(day: np.ndarray, today: int) -> np.ndarray:
    """Move Saturdays to Friday and Sundays to Monday (or Friday when Monday is after as_of)."""
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    out = np.where(weekday == 5, day - 1, np.where(weekday == 6, day + 1, day))
    return np.where(out > today, out - 3, out)


def _draw(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    cum = np.cumsum(probs, axis=1)
    cum[:, -1] = 1.0
    return (rng.random(len(probs))[:, None] > cum).sum(axis=1)


def _notes(outcome: np.ndarray, pick: np.ndarray) -> Any:
    def build(start: int, stop: int) -> list[str]:
        return [
            NOTE_TABLES[o][p % len(NOTE_TABLES[o])]
            for o, p in zip(outcome[start:stop].tolist(), pick[start:stop].tolist(), strict=True)
        ]

    return build
