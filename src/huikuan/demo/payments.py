"""Payment rows: methods by customer type (bank acceptance and commercial bills with maturity, 数字债权
凭证), payer names and accounts (some by a third-party payer), unique 流水号, memos that name a contract,
unmatched receipts and mistaken entries with their reversal; then the allocations and adjustments."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from huikuan.demo import names as N
from huikuan.demo import texts as T
from huikuan.demo.bulk import NULL_DAY, days_col, format_col, masked, money_col, pick_col, ref_col
from huikuan.demo.context import Context
from huikuan.demo.customers import Customers
from huikuan.demo.deals import KIND_ZH, Deals
from huikuan.demo.money import STREAM, Pieces, Settlement, plan_pieces, settle_and_adjust
from huikuan.demo.naming import choice_by
from huikuan.demo.people import Staff

METHODS = ["transfer", "bank_bill", "commercial_bill", "digital_voucher", "offset", "goods", "cash"]
BANK_BILL, COMMERCIAL_BILL, DIGITAL_VOUCHER = 1, 2, 3
METHOD_BY_TYPE = np.array(
    [
        [1.0, 0, 0, 0, 0, 0, 0],  # government: 国库 transfers
        [0.97, 0.03, 0, 0, 0, 0, 0],
        [0.70, 0.15, 0.05, 0.10, 0, 0, 0],  # state-owned: bills and 数字债权凭证 are common
        [0.65, 0.20, 0.08, 0.05, 0.02, 0, 0],
        [0.80, 0.12, 0.02, 0, 0.03, 0.01, 0.02],
        [0.85, 0.08, 0, 0, 0.02, 0.02, 0.03],
    ]
)
UNMATCHED_MEMOS = ["待认领款项", "预付款", "往来款", "货款"]


def prepare_money(
    ctx: Context, cust: Customers, deals: Deals, staff: Staff
) -> tuple[Settlement, Pieces, Callable[[], None]]:
    """What each receivable got by as_of, and a function that writes payments, allocations and
    adjustments (called after the receivables are written, so foreign keys point backwards)."""
    from huikuan.ledger.models import Allocation, Payment

    pieces, small_gap, final, extras = plan_pieces(ctx, cust, deals)
    rng, today, w = ctx.rng(STREAM, 1), ctx.today, ctx.writer
    keys, first, inverse = np.unique(pieces.key, return_index=True, return_inverse=True)
    n_reg = len(keys)
    reg_cents = np.zeros(n_reg, dtype=np.int64)
    np.add.at(reg_cents, inverse, pieces.cents)
    reg_cents += np.where(rng.random(n_reg) < 0.015, rng.integers(100, 20_000, n_reg) * 100, 0)  # credit left
    reg_rec = pieces.rec[first]

    # Receipts nobody has matched yet, and a few mistaken entries with their reversing entry.
    n_rev = extras // 12
    n_free = extras - 2 * n_rev
    n_odd = n_free + n_rev
    odd_cust = deals.cust[rng.integers(0, deals.n_contracts, n_odd)]
    odd_day = today - rng.integers(10, 700, n_odd)
    odd_cents = rng.integers(1_000, 200_000, n_odd) * 100
    rev_of = np.arange(n_free, n_odd)
    rev_day = np.minimum(odd_day[rev_of] + rng.integers(1, 11, n_rev), today)

    kind_row = np.r_[np.zeros(n_reg), np.ones(n_free), np.full(n_rev, 2), np.full(n_rev, 3)].astype(np.int64)
    cust_row = np.r_[deals.rcust[reg_rec], odd_cust, odd_cust[rev_of]]
    day_row = np.r_[pieces.day[first], odd_day, rev_day]
    cents_row = np.r_[reg_cents, odd_cents, -odd_cents[rev_of]]
    contract_row = np.r_[deals.contract[reg_rec], np.full(n_odd + n_rev, -1)]
    n = len(kind_row)
    order = np.lexsort((np.arange(n), day_row))  # ids in the order the money came in
    base = w.ids(Payment, n)
    pay_id = np.empty(n, dtype=np.int64)
    pay_id[order] = base
    link = np.full(n, -1)
    link[n_reg + n_odd :] = pay_id[n_reg + rev_of]

    ctype = cust.type[cust_row]
    method = np.where(kind_row == 0, choice_by(rng, ctype, METHOD_BY_TYPE), 0)
    bill = np.isin(method, [BANK_BILL, COMMERCIAL_BILL, DIGITAL_VOUCHER])
    maturity = np.where(bill, day_row + rng.choice([90, 180, 180, 365], n), NULL_DAY)
    tenor = maturity - day_row
    discounted = (method == BANK_BILL) & (rng.random(n) < 0.3)
    discount = cents_row * 15 * tenor // 365 // 1000  # ~1.5 % a year
    alias = np.array([bool(a) for a in cust.payer_alias])[cust_row] & (rng.random(n) < 0.5)
    named = (kind_row == 0) & (rng.random(n) < 0.45)
    bank = rng.integers(0, len(N.BANKS), n)
    date_text = _compact_dates(day_row)
    serial = rng.integers(0, 1_000_000, n)
    memo_pick = rng.integers(0, 1000, n)
    ids_by_row = [int(x) for x in pay_id.tolist()]

    def memo(row: int, kind: int, c: int, is_named: bool, pick: int) -> str:
        if kind == 0:
            if is_named:
                return f"{deals.numbers[c]} {KIND_ZH[deals.kind[reg_rec[row]]]}"
            return T.MEMOS[pick % len(T.MEMOS)]
        if kind == 1:
            return UNMATCHED_MEMOS[pick % len(UNMATCHED_MEMOS)]
        if kind == 2:
            return "误录入（应为其他客户款项）"
        original = n_reg + int(rev_of[row - n_reg - n_odd])
        return f"冲销误录入款项 {reference(date_text[original], serial[original], original)}"

    def reference(d: str, s: int, row: int) -> str:
        return f"{d}{s:06d}{ids_by_row[row]:08d}"

    settlement, write_adjustments = settle_and_adjust(ctx, rng, cust, deals, staff, pieces, small_gap, final)

    names = _objects(cust.names)
    aliases, alias_accounts = _objects(cust.payer_alias), _objects(cust.payer_alias_account)
    accounts = _objects(cust.account_no)
    bank_names = _objects([f"{b[0]}股份有限公司" for b in N.BANKS])

    def write() -> None:
        # Rows go in id order (the order the money came in): appending to the table's B-tree is fast.
        o = order
        bill_method = np.where(bill, method, 0)[o]
        w.write(
            Payment,
            n,
            {
                "id": pay_id[o],
                "customer": cust.ids[cust_row[o]],
                "paid_on": days_col(day_row[o]),
                "amount": money_col(cents_row[o]),
                "method": pick_col(METHODS, method[o]),
                "payer_name": np.where(alias, aliases[cust_row], names[cust_row])[o],
                "payer_account": np.where(
                    bill, "", np.where(alias, alias_accounts[cust_row], accounts[cust_row])
                )[o],
                "reference": format_col(reference, date_text[o], serial[o], o),
                "memo": format_col(memo, o, kind_row[o], contract_row[o], named[o], memo_pick[o]),
                "named_contract": ref_col(
                    deals.contract_ids, np.where(named & (memo_pick % 10 < 7), contract_row, -1)[o]
                ),
                "bill_number": format_col(_bill_number, bill_method, date_text[o], serial[o], pay_id[o]),
                "bill_acceptor": np.select(
                    [method == BANK_BILL, bill], [bank_names[bank], names[cust_row]], ""
                )[o],
                "bill_maturity": days_col(maturity[o]),
                "discounting_cost": money_col(discount[o], null=~discounted[o]),
                "reversal_of": masked(format_col(int, link[o]), link[o] < 0),
                "recorded_by": staff.finance_ids[rng.integers(0, len(staff.finance_ids), n)],
            },
            "回款 payments",
        )

        m = len(pieces.rec)
        automatic = rng.random(m) < 0.6
        w.write(
            Allocation,
            m,
            {
                "id": w.ids(Allocation, m),
                "payment": pay_id[inverse],
                "receivable": deals.receivable_ids[pieces.rec],
                "amount": money_col(pieces.cents),
                "allocated_by": masked(
                    format_col(int, staff.finance_ids[rng.integers(0, len(staff.finance_ids), m)]), automatic
                ),
                "automatic": automatic,
            },
            "核销分配 allocations",
        )
        write_adjustments()

    return settlement, pieces, write


def _bill_number(method: int, day: str, serial: int, payment_id: int) -> str:
    """30-digit 电子商业汇票 number (5… bank acceptance, 6… commercial), or a 数字债权凭证 number."""
    if not method:
        return ""
    if method == DIGITAL_VOUCHER:
        return f"YX{day}{payment_id:010d}"
    return f"{4 + method}{serial:06d}{day}{serial * 7919 % 1_000_000:06d}{payment_id:09d}"


def _objects(values: list[str]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _compact_dates(days: np.ndarray) -> np.ndarray:
    """Days as 'YYYYMMDD' (the date part of bank references and bill numbers)."""
    return np.char.replace(days.astype("datetime64[D]").astype(str), "-", "")
