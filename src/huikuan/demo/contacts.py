"""Around each customer: aliases (简称, 曾用名), bank accounts, third-party payers (代付方) and contacts
with their roles (决策人/验收人/付款责任人/财务), work phones and visiting hours."""

from __future__ import annotations

import numpy as np

from huikuan.demo import names as N
from huikuan.demo.bulk import format_col, masked, pick_col
from huikuan.demo.context import Context
from huikuan.demo.naming import GOV, LARGE, OTHER, PUB, SME, SOE, Namer
from huikuan.demo.people import person_names

ROLES = ["decision_maker", "payer", "acceptor", "finance", "other"]


def write_aliases(
    ctx: Context, rng: np.random.Generator, ids: np.ndarray, names: list[str], namer: Namer
) -> None:
    """简称 for most companies, 曾用名 for a few; an alias is unique, so clashing ones are left out."""
    from huikuan.ledger.models import CustomerAlias

    seen = set(names)
    owners, aliases = [], []
    wants = rng.random(len(ids))
    old_name = rng.random(len(ids)) < 0.05
    for i, name in enumerate(names):
        t = namer.types[i]
        city = N.CITIES[namer.city[i]][0]
        brand = namer.brand(i)[0]
        ishort = N.INDUSTRIES[namer.industry[i]][1]
        if t in (GOV, PUB) or wants[i] > 0.65 or not name.endswith("公司"):
            candidates = []
        elif t == SOE and namer.group_brand[i] < 0 and namer.variant[i] < 2:
            candidates = [f"{city}{N.SOE_BUSINESSES[namer.soe[i]][1]}"]  # 杭州城投
        else:
            candidates = [f"{city}{brand}", f"{brand}{ishort}", f"{city}{brand}{ishort}"]
        if old_name[i] and t in (LARGE, SME, OTHER) and name.endswith("有限公司"):
            other = N.INDUSTRIES[(namer.industry[i] + 7) % len(N.INDUSTRIES)][0]
            candidates.append(f"{city}{brand}{other}有限公司")
        for alias in candidates:
            if alias not in seen:
                seen.add(alias)
                owners.append(ids[i])
                aliases.append(alias)
                if not old_name[i]:
                    break
    n = len(aliases)
    w = ctx.writer
    w.write(
        CustomerAlias,
        n,
        {"id": w.ids(CustomerAlias, n), "customer": np.array(owners, dtype=np.int64), "alias": aliases},
        "别名 aliases",
    )


def write_accounts(
    ctx: Context,
    rng: np.random.Generator,
    ids: np.ndarray,
    names: list[str],
    bank_names: list[str],
    bank: np.ndarray,
) -> list[str]:
    """One to three accounts per customer, the first at the customer's own bank; returns the first."""
    from huikuan.ledger.models import BankAccount

    w = ctx.writer
    count = rng.choice([1, 2, 3], len(ids), p=[0.8, 0.17, 0.03])
    owner = np.repeat(np.arange(len(ids)), count)
    first = np.repeat(np.cumsum(count) - count, count)
    seq = np.arange(len(owner)) - first
    n = len(owner)
    acc_ids = w.ids(BankAccount, n)
    acc_bank = np.where(seq == 0, bank[owner], rng.integers(0, len(N.BANKS), n))
    serial = rng.integers(0, 100_000, n)
    numbers = [
        f"{N.BANKS[b][1]}{s:05d}{a:09d}"
        for b, s, a in zip(acc_bank.tolist(), serial.tolist(), acc_ids.tolist(), strict=True)
    ]
    w.write(
        BankAccount,
        n,
        {
            "id": acc_ids,
            "customer": ids[owner],
            "bank_name": format_col(
                lambda o, s, b: bank_names[o] if s == 0 else N.BANKS[b][0], owner, seq, acc_bank
            ),
            "account_no": numbers,
            "account_name": pick_col(names, owner),
        },
        "银行账户 bank accounts",
    )
    return [numbers[k] for k in np.flatnonzero(seq == 0).tolist()]


def write_third_party_payers(
    ctx: Context,
    rng: np.random.Generator,
    ids: np.ndarray,
    types: np.ndarray,
    city: np.ndarray,
    group_of: np.ndarray,
    group_names: list[str],
) -> tuple[list[str], list[str]]:
    """代付方: the city treasury for some government bodies, a group finance company, a related firm."""
    from huikuan.ledger.models import ThirdPartyPayer

    n = len(ids)
    u = rng.random(n)
    treasury = (types == GOV) & (u < 0.3)
    finance_co = (group_of >= 0) & (types != SOE) & (u < 0.25)
    related = ~treasury & ~finance_co & (types != GOV) & (types != PUB) & (u > 0.99)
    rows = np.flatnonzero(treasury | finance_co | related)
    w = ctx.writer
    tpp_ids = w.ids(ThirdPartyPayer, len(rows))
    names, notes = [], []
    brand = rng.integers(0, len(N.BRAND_FIRST), n)
    for i in rows.tolist():
        if treasury[i]:
            names.append(f"{N.CITIES[city[i]][0]}市财政国库支付中心")
            notes.append("国库集中支付")
        elif finance_co[i]:
            names.append(
                group_names[group_of[i]].replace("控股", "").replace("实业", "")[:-4] + "财务有限公司"
            )
            notes.append("集团资金集中管理，由财务公司代付")
        else:
            names.append(f"{N.CITIES[city[i]][0]}{N.BRAND_FIRST[brand[i]][0]}通贸易有限公司")
            notes.append("关联公司代付")
    serial = rng.integers(0, 1_000_000, len(rows))
    accounts = [f"3{s:06d}{a:09d}" for s, a in zip(serial.tolist(), tpp_ids.tolist(), strict=True)]
    w.write(
        ThirdPartyPayer,
        len(rows),
        {"id": tpp_ids, "customer": ids[rows], "name": names, "account_no": accounts, "note": notes},
        "代付方 third-party payers",
    )
    payer_alias, payer_account = [""] * n, [""] * n
    for k, i in enumerate(rows.tolist()):
        payer_alias[i], payer_account[i] = names[k], accounts[k]
    return payer_alias, payer_account


def write_contacts(
    ctx: Context, rng: np.random.Generator, ids: np.ndarray, types: np.ndarray, namer: Namer
) -> dict[str, np.ndarray]:
    """1–5 people per customer with roles 决策人/付款责任人/验收人/财务; some customers lack a role."""
    from huikuan.ledger.models import Contact

    n_cust = len(ids)
    count = rng.choice([1, 2, 3, 4, 5], n_cust, p=[0.1, 0.25, 0.35, 0.2, 0.1])
    owner = np.repeat(np.arange(n_cust), count)
    first = np.cumsum(count) - count
    seq = np.arange(len(owner)) - first[owner]
    n = len(owner)
    size = count[owner]
    # Role templates by position: one person may carry several roles in a small customer.
    dm = seq == 0
    payer = (seq == 1) | (size == 1)
    acceptor = (seq == 2) | ((size == 2) & (seq == 0)) | (size == 1)
    finance = (seq == 3) | ((size == 2) & (seq == 1))
    other = seq == 4
    # Readiness gaps (B1): the role exists at the customer, but nobody has told us who it is.
    for flags, p in ((dm, 0.08), (payer, 0.12), (acceptor, 0.1)):
        flags &= (rng.random(n_cust) >= p)[owner]
    other |= ~(dm | payer | acceptor | finance)
    primary = np.select([dm, payer, acceptor, finance], [0, 1, 2, 3], 4)
    public = np.isin(types, [GOV, PUB])[owner]
    title_pick = rng.integers(0, 100, n)
    titles = []
    for pub, r, k in zip(public.tolist(), primary.tolist(), title_pick.tolist(), strict=True):
        choices = (N.TITLES_PUBLIC if pub else N.TITLES_COMPANY)[ROLES[r]]
        titles.append(choices[k % len(choices)])
    people = person_names(rng, n)
    area = [N.CITIES[c][4] for c in namer.city[owner].tolist()]
    mobile = rng.random(n) < 0.55
    prefix = rng.choice(
        ["130", "131", "133", "135", "136", "137", "138", "139", "150", "158", "177", "186", "189"], n
    )
    number = rng.integers(0, 100_000_000, n)
    local = rng.integers(0, 10_000_000, n)
    phones = [
        f"{p}{x:08d}" if m else f"{a}-{8 if x % 3 else 6}{y:07d}"
        for m, p, x, a, y in zip(
            mobile.tolist(), prefix.tolist(), number.tolist(), area, local.tolist(), strict=True
        )
    ]
    with_mail = (rng.random(n) < 0.4) & ~public
    emails = [
        f"{people[k][1]}@{namer.brand(int(owner[k]))[1]}.com.cn" if with_mail[k] else "" for k in range(n)
    ]
    pattern = (rng.random(n) < 0.02) & ~public
    contact_ids = ctx.writer.ids(Contact, n)
    ctx.writer.write(
        Contact,
        n,
        {
            "id": contact_ids,
            "customer": ids[owner],
            "name": [p[0] for p in people],
            "is_decision_maker": dm,
            "is_acceptor": acceptor,
            "is_payer": payer,
            "is_finance": finance,
            "is_other": other,
            "title": titles,
            "phone": phones,
            "email": emails,
            "availability": masked(
                pick_col(N.AVAILABILITY, rng.integers(0, len(N.AVAILABILITY), n)), rng.random(n) < 0.35, ""
            ),
            "activity_pattern": masked(
                pick_col(N.ACTIVITY_PATTERNS, rng.integers(0, len(N.ACTIVITY_PATTERNS), n)), ~pattern, ""
            ),
            "activity_pattern_consent": pattern,
        },
        "联系人 contacts",
    )
    return {
        "contact_ids": contact_ids,
        "contact_first": first,
        "contact_count": count,
        "payer_contact": _first_with(owner, payer, contact_ids, first),
        "boss_contact": _first_with(owner, dm, contact_ids, first),
    }


def _first_with(
    owner: np.ndarray, flag: np.ndarray, contact_ids: np.ndarray, first: np.ndarray
) -> np.ndarray:
    """Per customer, the first contact with ``flag``; the customer's first contact when none has it."""
    out = contact_ids[first].copy()
    rows = np.flatnonzero(flag)
    customers, at = np.unique(owner[rows], return_index=True)
    out[customers] = contact_ids[rows[at]]
    return out
