"""Customers (知彼): groups, names, 统一社会信用代码, types, payment behaviour and finance profiles
(book-close day, bank, transfer days, budget, invoice-first, funds), some of it left unknown."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from huikuan.demo import names as N
from huikuan.demo.bulk import format_col, masked, pick_col, ref_col
from huikuan.demo.contacts import write_accounts, write_aliases, write_contacts, write_third_party_payers
from huikuan.demo.context import Context
from huikuan.demo.naming import GOV, LARGE, PUB, SME, SOE, Namer, choice_by, make_usccs, short_province
from huikuan.demo.people import Staff

TYPES = ["government", "public_institution", "state_owned", "large", "sme", "other"]
TYPE_SHARE = [0.07, 0.10, 0.15, 0.15, 0.46, 0.07]

# Payment behaviour, never stored: it shapes payments, promises and activities.
KLASSES = ["good", "slow", "partial", "distressed", "malicious"]
GOOD, SLOW, PARTIAL, DISTRESSED, MALICIOUS = range(5)
KLASS_SHARE = np.array(
    [
        [0.30, 0.70, 0.00, 0.00, 0.00],  # government: slow but sure
        [0.40, 0.58, 0.02, 0.00, 0.00],
        [0.45, 0.47, 0.06, 0.02, 0.00],  # state-owned
        [0.55, 0.26, 0.13, 0.05, 0.01],
        [0.42, 0.18, 0.24, 0.13, 0.03],  # SMEs: more often partial or missing
        [0.45, 0.25, 0.15, 0.11, 0.04],
    ]
)
FUNDS = ["ample", "normal", "tight", "distressed"]
FUNDS_BY_KLASS = np.array(
    [
        [0.35, 0.55, 0.10, 0.0],
        [0.2, 0.6, 0.2, 0.0],
        [0.0, 0.4, 0.5, 0.1],
        [0, 0, 0.4, 0.6],
        [0.2, 0.4, 0.4, 0],
    ]
)
RATINGS = ["AAA", "AA", "A", "BBB", "BB", "B", "C"]


@dataclass
class Customers:
    n: int
    ids: np.ndarray
    type: np.ndarray
    city: np.ndarray
    klass: np.ndarray
    funds: np.ndarray  # index in FUNDS, -1 unknown
    needs_budget: np.ndarray  # 1 / 0 / -1 unknown
    invoice_first: np.ndarray
    strategic: np.ndarray
    owner: np.ndarray  # user id
    names: list[str]
    contact_ids: np.ndarray  # all contacts, grouped by customer
    contact_first: np.ndarray  # index into contact_ids
    contact_count: np.ndarray
    payer_contact: np.ndarray  # contact id (the payer, else the first contact)
    boss_contact: np.ndarray  # contact id (the decision maker, else the first contact)
    account_no: list[str]  # the first bank account
    payer_alias: list[str]  # a third-party payer's name, or ""
    payer_alias_account: list[str]


STREAM = 1
NEEDS_BUDGET = [0.9, 0.8, 0.45, 0.2, 0.03, 0.1]
INVOICE_FIRST = [0.9, 0.9, 0.85, 0.7, 0.45, 0.4]
STRATEGIC = [0.2, 0.15, 0.2, 0.15, 0.05, 0.03]
ONE_OFF = [0.05, 0.1, 0.05, 0.1, 0.2, 0.3]
CLOSE_DAYS = [[20, 25, 0], [20, 25, 0], [25, 0, 20], [25, 26, 0, 28], [0, 25, 28, 20, 15], [0, 25, 15]]
TRANSFER_DAYS = [(5, 16), (5, 13), (3, 11), (2, 8), (1, 6), (1, 6)]
RATING_BY_KLASS = [(0, 3), (1, 4), (3, 5), (4, 7), (5, 7)]  # index ranges into RATINGS
LIMIT_MEDIAN = [0, 0, 3_000_000, 2_000_000, 300_000, 200_000]
MAX_GROUPS = 1500  # the number of distinct two-character brands bounds the groups


def build_customers(ctx: Context, staff: Staff) -> Customers:
    from huikuan.ledger.models import Customer, CustomerGroup

    rng, n, w = ctx.rng(STREAM), ctx.scale.customers, ctx.writer
    types = rng.choice(6, n, p=TYPE_SHARE)
    weights = np.array([c[5] for c in N.CITIES], dtype=float)
    city = rng.choice(len(N.CITIES), n, p=weights / weights.sum())
    namer = Namer(rng, types, city)

    # 集团: a few companies belong to groups of 2–6 and carry the group's brand.
    eligible = np.flatnonzero(np.isin(types, [SOE, LARGE, SME]))
    share = min(0.1, MAX_GROUPS * 4 / max(1, len(eligible)))
    members = rng.permutation(eligible[rng.random(len(eligible)) < share])
    bounds = np.cumsum(rng.integers(2, 7, len(members) + 1))
    group_of = np.full(n, -1)
    group_of[members] = np.searchsorted(bounds, np.arange(len(members)), side="right")
    n_groups = int(group_of.max()) + 1 if len(members) else 0
    distinct = [  # brands whose two characters differ, so no two groups share a brand
        b for b in range(len(N.BRAND_FIRST) * len(N.BRAND_SECOND))
        if N.BRAND_FIRST[b // len(N.BRAND_SECOND)][0] != N.BRAND_SECOND[b % len(N.BRAND_SECOND)][0]
    ]  # fmt: skip
    brands = rng.choice(distinct, n_groups, replace=False)
    namer.group_brand[members] = brands[group_of[members]]
    group_names = []
    first_member = np.full(n_groups, -1)
    first_member[group_of[members][::-1]] = members[::-1]
    for g in range(n_groups):
        i = int(first_member[g])
        brand = namer.brand(i)[0]
        province = N.CITIES[city[i]][1]
        if types[i] == SOE:
            group_names.append(f"{province}{brand}{N.SOE_BUSINESSES[namer.soe[i]][0]}集团有限公司")
        else:
            kind = N.GROUP_KINDS[namer.variant[i] % len(N.GROUP_KINDS)]
            group_names.append(f"{short_province(province) if namer.variant[i] < 4 else ''}{brand}{kind}")
    if len(set(group_names)) != n_groups:
        raise RuntimeError("group names are not unique")
    group_ids = w.ids(CustomerGroup, n_groups)
    w.write(CustomerGroup, n_groups, {"id": group_ids, "name": group_names}, "集团 groups")

    names = namer.unique_names()  # may move a duplicate to another city
    prefixes = [namer.uscc_prefix(i) for i in range(n)]
    district = np.where(rng.random(n) < 0.4, 0, rng.integers(1, 13, n))
    divisions = [
        N.CITIES[c][3][:4] + f"{d:02d}" for c, d in zip(city.tolist(), district.tolist(), strict=True)
    ]
    usccs = make_usccs(rng, prefixes, divisions)

    region = np.array([N.REGIONS.index(N.CITIES[c][2]) for c in range(len(N.CITIES))])[city]
    owner = np.empty(n, dtype=np.int64)
    for r in range(len(N.REGIONS)):
        rows = np.flatnonzero(region == r)
        local = staff.sales_ids[staff.sales_region == r]
        owner[rows] = rng.choice(local if len(local) else staff.sales_ids, len(rows))

    klass = choice_by(rng, types, KLASS_SHARE)
    funds = choice_by(rng, klass, FUNDS_BY_KLASS)
    funds[rng.random(n) < 0.2] = -1
    needs_budget = (rng.random(n) < np.array(NEEDS_BUDGET)[types]).astype(np.int64)
    needs_budget[rng.random(n) < 0.15] = -1
    public = np.isin(types, [GOV, PUB])
    budget_month = np.where(public, rng.integers(9, 12, n), rng.integers(10, 13, n))
    budget_month[(needs_budget != 1) | (rng.random(n) < 0.1)] = 0
    invoice_first = rng.random(n) < np.array(INVOICE_FIRST)[types]
    u = rng.random(n)
    strategic = u < np.array(STRATEGIC)[types]
    relationship = np.where(strategic, 0, np.where(u > 1 - np.array(ONE_OFF)[types], 2, 1))
    close_pick = rng.integers(0, 1000, n)
    book_close = np.array(
        [CLOSE_DAYS[t][k % len(CLOSE_DAYS[t])] for t, k in zip(types, close_pick, strict=True)]
    )
    bank = rng.integers(0, len(N.BANKS), n)
    branch = rng.integers(0, len(N.BRANCHES), n)
    bank_names = [
        f"{N.BANKS[b][0]}{N.CITIES[c][0]}{N.BRANCHES[r]}支行"
        for b, c, r in zip(bank.tolist(), city.tolist(), branch.tolist(), strict=True)
    ]
    bank_close = np.array([0, 25, 20])[rng.integers(0, 3, n)]
    lo, hi = np.array(TRANSFER_DAYS).T
    transfer = rng.integers(lo[types], hi[types])
    rating_lo, rating_hi = np.array(RATING_BY_KLASS).T
    rating = rng.integers(rating_lo[klass], rating_hi[klass])
    limit = np.round(np.array(LIMIT_MEDIAN)[types] * rng.lognormal(0, 0.6, n) / 1e4) * 1e4
    limit_cents = limit.astype(np.int64) * 100
    rows = np.arange(n)
    ids = w.ids(Customer, n)
    w.write(
        Customer,
        n,
        {
            "id": ids,
            "code": masked(format_col(lambda i: f"KH{i:06d}", rows + 1), rng.random(n) < 0.02),
            "name": names,
            "uscc": usccs,
            "group": masked(ref_col(group_ids, group_of), group_of < 0),
            "customer_type": pick_col(TYPES, types),
            "relationship": pick_col(["strategic", "normal", "one_off"], relationship),
            "owner": owner,
            "needs_budget": pick_col([False, True, None], needs_budget),
            "budget_month": masked(format_col(int, budget_month), budget_month == 0),
            "invoice_before_payment": invoice_first,
            "invoice_requirements": format_col(
                lambda i, t, known: _invoice_requirements(names[i], usccs[i], t) if known else "",
                rows,
                types,
                rng.random(n) > 0.15,
            ),
            "book_close_day": masked(format_col(int, book_close), rng.random(n) < 0.18),
            "bank_name": masked(pick_col(bank_names, rows), rng.random(n) < 0.08, ""),
            "bank_close_day": masked(format_col(int, bank_close), rng.random(n) < 0.6),
            "transfer_days": masked(format_col(int, transfer), rng.random(n) < 0.15),
            "funds_status": pick_col([*FUNDS, ""], funds),
            "credit_rating": masked(pick_col(RATINGS, rating), rng.random(n) < 0.3, ""),
            "credit_limit": masked(
                format_col(_money, limit_cents), (limit_cents == 0) | (rng.random(n) < 0.3)
            ),
        },
        "客户 customers",
    )
    write_aliases(ctx, rng, ids, names, namer)
    accounts = write_accounts(ctx, rng, ids, names, bank_names, bank)
    payer_alias, payer_account = write_third_party_payers(ctx, rng, ids, types, city, group_of, group_names)
    contacts = write_contacts(ctx, rng, ids, types, namer)
    return Customers(
        n=n,
        ids=ids,
        type=types,
        city=city,
        klass=klass,
        funds=funds,
        needs_budget=needs_budget,
        invoice_first=invoice_first,
        strategic=strategic,
        owner=owner,
        names=names,
        account_no=accounts,
        payer_alias=payer_alias,
        payer_alias_account=payer_account,
        **contacts,
    )


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _invoice_requirements(name: str, uscc: str, t: int) -> str:
    kind = "增值税普通发票即可" if t in (GOV, PUB) else "需开具增值税专用发票"
    return f"抬头：{name}；税号：{uscc}；{kind}；备注栏注明项目名称及合同编号"
