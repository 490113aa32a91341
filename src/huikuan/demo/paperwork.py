"""发票 and 单据: invoices for recognised milestones (some missing, some red-reversed) and the evidence —
contracts, 签收单, 验收单, 对账确认函 with their seals, 催款函 and 律师函 — without files."""

from __future__ import annotations

from datetime import date

import numpy as np

from huikuan.demo import names as N
from huikuan.demo.bulk import NULL_DAY, days_col, format_col, masked, money_col, pick_col, ref_col
from huikuan.demo.context import Context, day_of, year_of
from huikuan.demo.customers import MALICIOUS, Customers
from huikuan.demo.deals import ACCEPTANCE, DELIVERY, Deals
from huikuan.demo.money import Pieces, Settlement
from huikuan.demo.naming import GOV, PUB, choice_by

STREAM = 7
SEALS = ["company", "finance", "contract", "department", "signature", "none"]
DIGITAL, ELECTRONIC, PAPER = 0, 1, 2
FULL_DIGITAL_FROM = day_of(date(2024, 12, 1))  # 数电票 everywhere
PILOT_FROM = day_of(date(2023, 1, 1))


def write_invoices(ctx: Context, cust: Customers, deals: Deals, settlement: Settlement) -> None:
    from huikuan.ledger.models import Invoice

    rng, today, w = ctx.rng(STREAM), ctx.today, ctx.writer
    fired = deals.recognised != NULL_DAY
    paid = settlement.paid > 0
    p = np.where(paid, 0.97, np.where(cust.invoice_first[deals.rcust], 0.9, 0.82))
    rec = np.flatnonzero(fired & (rng.random(deals.n_receivables) < p))
    k = len(rec)
    issued = deals.recognised[rec] + rng.integers(0, 11, k)
    issued = np.where(paid[rec], np.minimum(issued, settlement.first_day[rec]), issued)
    issued = np.minimum(np.maximum(issued, deals.signed[deals.contract[rec]]), today)
    public = np.isin(cust.type[deals.rcust[rec]], [GOV, PUB])
    normal = rng.random(k) < np.where(public, 0.7, 0.12)  # 普票: public bodies cannot deduct input VAT
    u = rng.random(k)
    digital = np.where(issued >= FULL_DIGITAL_FROM, u < 0.95, (issued >= PILOT_FROM) & (u < 0.4))
    medium = np.where(digital, DIGITAL, np.where(normal & (rng.random(k) < 0.6), ELECTRONIC, PAPER))
    delivered = np.where(medium == PAPER, issued + rng.integers(2, 9, k), issued)
    delivered = np.where((rng.random(k) < 0.93) & (delivered <= today), delivered, NULL_DAY)
    status = np.where(delivered == NULL_DAY, 0, np.where(~normal & (rng.random(k) < 0.7), 2, 1))

    # 红冲: ~2 % reversed by a red invoice; most of those re-issued.
    red_day = issued + rng.integers(5, 61, k)
    red = (rng.random(k) < 0.02) & (red_day <= today)
    status = np.where(red, 3, status)
    r = np.flatnonzero(red)
    again_day = red_day[r] + rng.integers(0, 11, len(r))
    again = r[again_day <= today]
    again_day = again_day[again_day <= today]
    base = w.ids(Invoice, k + len(r) + len(again))
    src = np.r_[np.arange(k), r, again]  # the original row each invoice copies
    role = np.r_[np.zeros(k), np.ones(len(r)), np.full(len(again), 2)].astype(np.int64)
    day = np.r_[issued, red_day[r], again_day]
    sign = np.where(role == 1, -1, 1)
    med = np.r_[medium, np.full(len(r) + len(again), DIGITAL)]
    deliv = np.r_[delivered, red_day[r], again_day]
    stat = np.r_[status, np.ones(len(r) + len(again), dtype=np.int64)]
    reversal_of = np.where(role == 1, base[src], -1)
    prov = np.array([int(c[3][:2]) for c in N.CITIES])[cust.city[deals.rcust[rec]]][src]
    yy = year_of(day) % 100
    n = len(src)
    w.write(
        Invoice,
        n,
        {
            "id": base,
            "number": format_col(_invoice_number, med, prov, yy, base),
            "customer": cust.ids[deals.rcust[rec]][src],
            "type": pick_col(["special", "normal"], normal[src].astype(np.int64)),
            "medium": pick_col(["digital", "electronic", "paper"], med),
            "amount": money_col(deals.ramount[rec][src] * sign),
            "issued_on": days_col(day),
            "delivered_on": days_col(deliv),
            "status": pick_col(["issued", "delivered", "accepted", "red_reversed"], stat),
            "red_reversal_of": masked(format_col(int, reversal_of), reversal_of < 0),
        },
        "发票 invoices",
    )
    through = Invoice.receivables.through
    w.write(
        through,
        n,
        {"id": w.ids(through, n), "invoice": base, "receivable": deals.receivable_ids[rec][src]},
        "发票-应收 invoice links",
    )


def _invoice_number(medium: int, prov: int, yy: int, invoice_id: int) -> str:
    if medium == DIGITAL:
        return f"{yy:02d}{prov:02d}2{invoice_id:015d}"  # 数电: 20 digits
    if medium == ELECTRONIC:
        return f"0{prov:02d}{yy:02d}{invoice_id:015d}"
    return f"{prov:02d}{yy:02d}{invoice_id:014d}"  # paper: code and number, 18 digits


def write_documents(
    ctx: Context, cust: Customers, deals: Deals, settlement: Settlement, pieces: Pieces
) -> np.ndarray:
    """Evidence per contract and customer; returns each contract's 验收单 id (-1 when missing)."""
    from huikuan.ledger.models import Document

    rng, today, w = ctx.rng(STREAM, 1), ctx.today, ctx.writer
    kc = deals.n_contracts
    fired = deals.recognised != NULL_DAY
    # (kind, contract index, receivable index or -1, customer index, day, seal, whole balance, amount)
    parts = []

    has_contract = rng.random(kc) < 0.95
    c = np.flatnonzero(has_contract)
    seal = choice_by(rng, np.zeros(len(c), dtype=np.int64), np.array([[0.4, 0, 0.55, 0, 0, 0.05]]))
    parts.append(("contract", c, np.full(len(c), -1), deals.cust[c], deals.signed[c], seal, None))
    for kind, milestone, p, seals in (
        ("delivery_receipt", DELIVERY, 0.9, [0.25, 0, 0.05, 0.3, 0.35, 0.05]),
        ("acceptance_certificate", ACCEPTANCE, 0.88, [0.45, 0, 0.1, 0.25, 0.15, 0.05]),
    ):
        r = np.flatnonzero(fired & (deals.kind == milestone) & (rng.random(deals.n_receivables) < p))
        seal = choice_by(rng, np.zeros(len(r), dtype=np.int64), np.array([seals]))
        parts.append((kind, deals.contract[r], r, deals.rcust[r], deals.recognised[r], seal, None))

    # 对账确认函 at the last three year ends, for customers with a balance then.
    for years_back in (1, 2, 3):
        end = int(np.datetime64(f"{ctx.as_of.year - years_back}-12-31").astype(np.int64))
        balance = _balance_at(cust.n, deals, pieces, end)
        who = np.flatnonzero((balance > 0) & (rng.random(cust.n) < 0.35))
        day = np.minimum(end + rng.integers(3, 21, len(who)), today)
        seal = choice_by(
            rng, np.zeros(len(who), dtype=np.int64), np.array([[0.22, 0.4, 0, 0.13, 0.13, 0.12]])
        )
        amount = np.where(rng.random(len(who)) < 0.1, balance[who] * 95 // 100, balance[who])
        parts.append(
            ("balance_confirmation", np.full(len(who), -1), np.full(len(who), -1), who, day, seal, amount)
        )

    # 催款函 for some long-overdue milestones; 律师函 for malicious customers.
    overdue = (settlement.open > 0) & (deals.due < today - 60)
    r = np.flatnonzero(overdue & (rng.random(deals.n_receivables) < 0.3))
    day = rng.integers(deals.due[r] + 60, today + 1)
    parts.append(("demand", deals.contract[r], r, deals.rcust[r], day, np.full(len(r), 5), None))
    bad = np.unique(deals.rcust[overdue & (cust.klass[deals.rcust] == MALICIOUS)])
    who = bad[rng.random(len(bad)) < 0.3]
    day = today - rng.integers(5, 120, len(who))
    parts.append(
        ("lawyer_letter", np.full(len(who), -1), np.full(len(who), -1), who, day, np.full(len(who), 5), None)
    )

    kinds = [
        "contract",
        "delivery_receipt",
        "acceptance_certificate",
        "balance_confirmation",
        "demand",
        "lawyer_letter",
    ]
    sizes = [len(p[1]) for p in parts]
    kind = np.repeat([kinds.index(p[0]) for p in parts], sizes).astype(np.int64)
    contract = np.concatenate([p[1] for p in parts]).astype(np.int64)
    rec = np.concatenate([p[2] for p in parts]).astype(np.int64)
    who = np.concatenate([p[3] for p in parts]).astype(np.int64)
    day = np.concatenate([p[4] for p in parts]).astype(np.int64)
    seal = np.concatenate([p[5] for p in parts]).astype(np.int64)
    confirmed = np.concatenate([p[6] if p[6] is not None else np.full(len(p[1]), -1) for p in parts])
    n = len(kind)
    ids = w.ids(Document, n)
    letter = np.isin(kind, [kinds.index(k) for k in ("balance_confirmation", "demand", "lawyer_letter")])
    sent = np.where(letter, day, NULL_DAY)
    delivered = np.where(letter & (rng.random(n) < 0.85), day + rng.integers(1, 5, n), NULL_DAY)
    delivered = np.where(delivered > today, NULL_DAY, delivered)
    confirmation = kind == kinds.index("balance_confirmation")
    returned = confirmation & (delivered != NULL_DAY) & (seal != 5)
    returned_day = np.where(returned, np.minimum(delivered + rng.integers(3, 31, n), today), NULL_DAY)
    returned_day = np.where(~confirmation & ~letter, day, returned_day)  # signed on the spot
    seal = np.where(confirmation & ~returned, 5, seal)
    proof = letter & (delivered != NULL_DAY)
    serial = rng.integers(0, 10**9, n)
    title = ["合同", "签收单", "验收单", "对账确认函", "催款函", "律师函"]
    w.write(
        Document,
        n,
        {
            "id": ids,
            "customer": cust.ids[who],
            "contract": ref_col(deals.contract_ids, contract),
            "covers_whole_balance": np.isin(
                kind, [kinds.index("balance_confirmation"), kinds.index("lawyer_letter")]
            ),
            "kind": pick_col(kinds, kind),
            "title": format_col(
                lambda k, c, d: f"{title[k]} {deals.numbers[c]}" if c >= 0 else f"{title[k]}（{d}）",
                kind,
                contract,
                day.astype("datetime64[D]").astype(str),
            ),
            "issued_on": days_col(day),
            "sent_on": days_col(sent),
            "delivered_on": days_col(delivered),
            "delivery_proof": masked(format_col(lambda s: f"EMS 11{s:011d}", serial), ~proof, ""),
            "returned_on": days_col(returned_day),
            "seal_kind": pick_col(SEALS, seal),
            "confirmed_amount": money_col(np.maximum(confirmed, 0), null=~(returned & (confirmed >= 0))),
            "contact": np.where(confirmation, cust.payer_contact[who], cust.boss_contact[who]),
        },
        "单据 documents",
    )
    linked = np.flatnonzero(rec >= 0)
    through = Document.receivables.through
    w.write(
        through,
        len(linked),
        {
            "id": w.ids(through, len(linked)),
            "document": ids[linked],
            "receivable": deals.receivable_ids[rec[linked]],
        },
        "单据-应收 document links",
    )
    acceptance = np.full(kc, -1, dtype=np.int64)
    cert = np.flatnonzero(kind == kinds.index("acceptance_certificate"))
    acceptance[contract[cert]] = ids[cert]
    return acceptance


def _balance_at(n_customers: int, deals: Deals, pieces: Pieces, day: int) -> np.ndarray:
    """Each customer's recognised-but-unpaid cents at the end of ``day`` (ignoring adjustments)."""
    balance = np.zeros(n_customers, dtype=np.int64)
    due = (deals.recognised != NULL_DAY) & (deals.recognised <= day)
    np.add.at(balance, deals.rcust[due], deals.ramount[due])
    paid = pieces.day <= day
    np.subtract.at(balance, deals.rcust[pieces.rec[paid]], pieces.cents[paid])
    return balance
