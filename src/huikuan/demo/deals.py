"""知己: contracts and their payment milestones (预付/到货/验收/质保金), laid out around as_of.

Contracts are signed over the last four years; delivery, acceptance and the end of the warranty follow,
some of them late, so milestones fall due from years ago to a year ahead and some have not fired yet.
Milestone amounts are exact cents that add up to the contract amount; the leftover cent goes to the
first milestone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from huikuan.demo import names as N
from huikuan.demo import texts as T
from huikuan.demo.bulk import NULL_DAY, days_col, format_col, masked, money_col, pick_col
from huikuan.demo.context import Context, year_of
from huikuan.demo.customers import Customers
from huikuan.demo.naming import GOV, PUB

if TYPE_CHECKING:
    from huikuan.demo.money import Settlement

STREAM = 3
KINDS = ["advance", "delivery", "acceptance", "retention", "other"]
ADVANCE, DELIVERY, ACCEPTANCE, RETENTION, OTHER_KIND = range(5)
TRIGGERS = ["signing", "delivery", "acceptance", "warranty_end", "date"]  # per kind
KIND_ZH = ["预付款", "到货款", "验收款", "质保金", "进度款"]
# (kinds, percentages): typical splits of Chinese project contracts.
TEMPLATES = [
    ((ACCEPTANCE,), (100,)),
    ((DELIVERY,), (100,)),
    ((ADVANCE, ACCEPTANCE), (30, 70)),
    ((DELIVERY, ACCEPTANCE), (50, 50)),
    ((ACCEPTANCE, RETENTION), (95, 5)),
    ((ACCEPTANCE, RETENTION), (90, 10)),
    ((ADVANCE, ACCEPTANCE, RETENTION), (30, 60, 10)),
    ((ADVANCE, DELIVERY, ACCEPTANCE), (30, 40, 30)),
    ((DELIVERY, ACCEPTANCE, RETENTION), (60, 35, 5)),
    ((ADVANCE, ACCEPTANCE, RETENTION), (30, 65, 5)),
    ((ADVANCE, DELIVERY, ACCEPTANCE, RETENTION), (30, 40, 25, 5)),
    ((ADVANCE, DELIVERY, ACCEPTANCE, RETENTION), (20, 50, 25, 5)),
    ((ADVANCE, DELIVERY, ACCEPTANCE, RETENTION), (30, 30, 30, 10)),
    ((ADVANCE, DELIVERY, ACCEPTANCE, RETENTION), (10, 60, 25, 5)),
    ((ADVANCE, DELIVERY, OTHER_KIND, ACCEPTANCE, RETENTION), (10, 30, 30, 25, 5)),
    ((ADVANCE, OTHER_KIND, OTHER_KIND, ACCEPTANCE, RETENTION), (20, 20, 20, 35, 5)),
]
TPL_SIZE = np.array([len(k) for k, _p in TEMPLATES])
TPL_KIND = np.full((len(TEMPLATES), 5), -1)
TPL_PCT = np.zeros((len(TEMPLATES), 5), dtype=np.int64)
for _t, (_kinds, _pcts) in enumerate(TEMPLATES):
    TPL_KIND[_t, : len(_kinds)] = _kinds
    TPL_PCT[_t, : len(_pcts)] = _pcts
AMOUNT_MEDIAN = np.array([500_000, 300_000, 800_000, 1_000_000, 150_000, 80_000])  # yuan, by customer type
MILESTONE_SHARE = [0.12, 0.22, 0.3, 0.28, 0.08]


@dataclass
class Deals:
    # contracts
    n_contracts: int
    contract_ids: np.ndarray
    numbers: list[str]  # 合同编号
    cust: np.ndarray  # customer index
    owner: np.ndarray  # user id
    signed: np.ndarray  # day
    amount: np.ndarray  # cents
    template: np.ndarray
    offsets: np.ndarray  # (n, 5) payment days after each kind's event
    warranty_years: np.ndarray
    # receivables (milestones), grouped by contract in sequence order
    n_receivables: int
    receivable_ids: np.ndarray
    contract: np.ndarray  # contract index
    rcust: np.ndarray  # customer index
    seq: np.ndarray
    kind: np.ndarray
    ramount: np.ndarray  # cents
    event: np.ndarray  # day the trigger fired or is planned to fire
    recognised: np.ndarray  # day, NULL_DAY while the trigger has not fired
    due: np.ndarray  # day
    budget_year: np.ndarray  # 0 = not known to be in a budget


def _counts(rng: np.random.Generator, total: int, groups: int, weights: np.ndarray) -> np.ndarray:
    """``groups`` positive counts summing to ``total``, roughly proportional to ``weights``."""
    return 1 + rng.multinomial(total - groups, weights / weights.sum())


def milestone_counts(rng: np.random.Generator, contracts: int, receivables: int) -> np.ndarray:
    """1–5 milestones per contract, exactly ``receivables`` in all."""
    k = rng.choice([1, 2, 3, 4, 5], contracts, p=MILESTONE_SHARE)
    while (gap := receivables - int(k.sum())) != 0:
        movable = np.flatnonzero(k < 5) if gap > 0 else np.flatnonzero(k > 1)
        pick = rng.choice(movable, min(abs(gap), len(movable)), replace=False)
        k[pick] += 1 if gap > 0 else -1
    return k


def build_deals(ctx: Context, cust: Customers) -> Deals:
    rng, scale, today = ctx.rng(STREAM), ctx.scale, ctx.today
    weights = rng.lognormal(0, 0.9, cust.n) * np.where(cust.strategic, 3.0, 1.0)
    per_customer = _counts(rng, scale.contracts, cust.n, weights)
    kc = int(per_customer.sum())
    cidx = np.repeat(np.arange(cust.n), per_customer)
    ctype = cust.type[cidx]

    # The customer's owner owns its contracts (handovers, with their history, are another tool's job).
    owner = cust.owner[cidx].copy()

    signed = today - np.floor(1460 * rng.random(kc) ** 1.3).astype(np.int64)
    yuan = np.clip(AMOUNT_MEDIAN[ctype] * rng.lognormal(0, 1.0, kc), 5_000, 50_000_000)
    rounding = rng.choice([100_000, 10_000, 1], kc, p=[0.6, 0.25, 0.15])
    amount = np.maximum(np.round(yuan * 100 / rounding).astype(np.int64) * rounding, 500_000)

    k = milestone_counts(rng, kc, scale.receivables)
    template = np.empty(kc, dtype=np.int64)
    for size in range(1, 6):
        rows = np.flatnonzero(k == size)
        template[rows] = rng.choice(np.flatnonzero(size == TPL_SIZE), len(rows))

    public = np.isin(ctype, [GOV, PUB])
    delivery_plan = signed + rng.integers(20, 150, kc)
    acceptance_plan = delivery_plan + (rng.integers(20, 200, kc) * np.where(public, 1.3, 1.0)).astype(
        np.int64
    )
    # Late events: the milestone waits for a delivery or acceptance that has not happened yet.
    delivery = delivery_plan + np.where(rng.random(kc) < 0.03, rng.integers(30, 300, kc), 0)
    acceptance = np.maximum(acceptance_plan, delivery + 20) + np.where(
        rng.random(kc) < 0.06, rng.integers(30, 400, kc), 0
    )
    warranty_years = np.where(rng.random(kc) < 0.7, 1, 2)
    warranty_end = acceptance + 365 * warranty_years
    offsets = np.stack(
        [
            rng.choice([7, 10, 15], kc),
            rng.choice([15, 30], kc),
            np.where(public, rng.choice([30, 60, 90], kc), rng.choice([15, 30, 60], kc)),
            rng.choice([15, 30], kc),
            np.zeros(kc, dtype=np.int64),
        ],
        axis=1,
    )

    # Milestones.
    contract = np.repeat(np.arange(kc), k)
    first = np.cumsum(k) - k
    seq = np.arange(len(contract)) - first[contract]
    t = template[contract]
    kind = TPL_KIND[t, seq]
    part = amount[contract] * TPL_PCT[t, seq] // 100
    part[first] = 0
    part[first] = amount - np.add.reduceat(part, first)  # the leftover cents go to the first milestone
    c = contract
    event = np.select(
        [kind == ADVANCE, kind == DELIVERY, kind == ACCEPTANCE, kind == RETENTION],
        [signed[c], delivery[c], acceptance[c], warranty_end[c]],
        signed[c] + (acceptance_plan[c] - signed[c]) * seq // np.maximum(k[c], 1),
    )
    planned = np.select(
        [kind == DELIVERY, kind == ACCEPTANCE, kind == RETENTION],
        [delivery_plan[c], acceptance_plan[c], acceptance_plan[c] + 365 * warranty_years[c]],
        event,
    )
    fired = event <= today
    recognised = np.where(fired, event, NULL_DAY)
    # Unfired triggers keep the contract's planned schedule as their due date.
    due = np.where(fired, event, planned) + offsets[c, kind]
    budget = cust.needs_budget[cust_of := cidx[contract]] == 1
    u = rng.random(len(contract))
    budget_year = np.where(
        budget & (u < 0.8), year_of(due), np.where(budget & (u > 0.95), year_of(due) + 1, 0)
    )
    from huikuan.ledger.models import Contract, Receivable

    contract_ids = ctx.writer.ids(Contract, kc)
    years = year_of(signed).tolist()
    return Deals(
        n_contracts=kc,
        contract_ids=contract_ids,
        numbers=[f"HT{y}-{i:06d}" for y, i in zip(years, contract_ids.tolist(), strict=True)],
        receivable_ids=ctx.writer.ids(Receivable, len(contract)),
        cust=cidx,
        owner=owner,
        signed=signed,
        amount=amount,
        template=template,
        offsets=offsets,
        warranty_years=warranty_years,
        n_receivables=len(contract),
        contract=contract,
        rcust=cust_of,
        seq=seq + 1,
        kind=kind,
        ramount=part,
        event=event,
        recognised=recognised,
        due=due,
        budget_year=budget_year,
    )


def payment_terms(deals: Deals, i: int) -> str:
    """付款方式 in the words of a contract, from its milestones."""
    kinds, pcts = TEMPLATES[deals.template[i]]
    parts = []
    for kind, pct in zip(kinds, pcts, strict=True):
        days = int(deals.offsets[i, kind])
        if kind == ADVANCE:
            parts.append(f"合同签订后{days}日内支付{pct}%预付款")
        elif kind == DELIVERY:
            parts.append(f"货到现场后{days}日内支付{pct}%")
        elif kind == ACCEPTANCE:
            parts.append(f"验收合格后{days}日内支付{pct}%")
        elif kind == RETENTION:
            parts.append(f"余{pct}%作为质保金，质保期{deals.warranty_years[i]}年，期满后{days}日内无息付清")
        else:
            parts.append(f"按进度支付{pct}%")
    return "；".join(parts) + "。"


def project_name(rng_pick: int, year: int) -> str:
    obj = N.PROJECT_OBJECTS[rng_pick % len(N.PROJECT_OBJECTS)]
    kind = N.PROJECT_TYPES[(rng_pick // 97) % len(N.PROJECT_TYPES)]
    return f"{year}年{obj}{kind}" if rng_pick % 3 == 0 else f"{obj}{kind}"


def write_deals(ctx: Context, cust: Customers, deals: Deals, settlement: Settlement) -> None:
    """Contracts and receivables; written after the money, which decides completion and pauses."""
    from huikuan.ledger.models import Contract, Receivable

    rng, today, w = ctx.rng(STREAM, 1), ctx.today, ctx.writer
    kc, n = deals.n_contracts, deals.n_receivables
    unfinished = np.zeros(kc, dtype=bool)
    np.logical_or.at(unfinished, deals.contract, (settlement.open > 0) | (deals.recognised == NULL_DAY))
    years = year_of(deals.signed)
    pick = rng.integers(0, 1_000_000, kc)
    goods = rng.random(kc) < 0.5
    late = rng.random(kc) < 0.25
    per_day = rng.random(kc) < 0.7
    w.write(
        Contract,
        kc,
        {
            "id": deals.contract_ids,
            "customer": cust.ids[deals.cust],
            "number": deals.numbers,
            "project_name": format_col(project_name, pick, years),
            "spec": format_col(lambda g, p: f"型号 HX-{p % 9000 + 1000}" if g else "", goods, pick),
            "quantity": masked(format_col(lambda p: f"{p % 200 + 1}.000", pick), ~goods),
            "amount": money_col(deals.amount),
            "signed_on": days_col(deals.signed),
            "owner": deals.owner,
            "acceptance_standard": masked(
                pick_col(N.ACCEPTANCE_STANDARDS, pick % len(N.ACCEPTANCE_STANDARDS)),
                rng.random(kc) < 0.08,
                "",
            ),
            "acceptance_method": masked(
                pick_col(N.ACCEPTANCE_METHODS, pick % len(N.ACCEPTANCE_METHODS)), rng.random(kc) < 0.1, ""
            ),
            "payment_terms": masked(
                format_col(lambda i: payment_terms(deals, i), np.arange(kc)), rng.random(kc) < 0.04, ""
            ),
            "partial_payment_clause": rng.random(kc) < 0.2,
            "suspension_clause": rng.random(kc) < 0.15,
            "late_rate": masked(
                pick_col(["0.000500", "0.060000", "0.080000"], np.where(per_day, 0, 1 + pick % 2)), ~late
            ),
            "late_rate_basis": masked(
                pick_col(["per_day", "per_year"], (~per_day).astype(np.int64)), ~late, ""
            ),
            "status": pick_col(["completed", "active"], unfinished.astype(np.int64)),
        },
        "合同 contracts",
    )
    paused = (settlement.open > 0) & (deals.due < today) & (rng.random(n) < 0.01)
    ryears = year_of(deals.due)
    w.write(
        Receivable,
        n,
        {
            "id": deals.receivable_ids,
            "contract": deals.contract_ids[deals.contract],
            "sequence": deals.seq,
            "kind": pick_col(KINDS, deals.kind),
            "doc_no": masked(
                format_col(lambda y, i: f"AR{y}{i:08d}", ryears, deals.receivable_ids), rng.random(n) < 0.3
            ),
            "amount": money_col(deals.ramount),
            "trigger_event": pick_col(TRIGGERS, deals.kind),
            "trigger_offset_days": deals.offsets[deals.contract, deals.kind],
            "recognised_on": days_col(deals.recognised),
            "due_on": days_col(deals.due),
            "budget_year": masked(format_col(int, deals.budget_year), deals.budget_year == 0),
            "dunning_days_overdue": rng.choice([0, 0, 0, 7, 15, 30], n),
            "dunning_min_amount": money_col(rng.choice([0, 0, 0, 0, 100_000, 500_000], n)),
            "pause_until": days_col(np.where(paused, today + rng.integers(7, 61, n), NULL_DAY)),
            "pause_reason": masked(
                pick_col(T.PAUSE_REASONS, rng.integers(0, len(T.PAUSE_REASONS), n)), ~paused, ""
            ),
        },
        "应收 receivables",
    )
