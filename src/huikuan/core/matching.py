"""Matching a bank receipt to the customer who paid it (款项认领, first step).

A credit line of a bank statement names a payer (对方户名), maybe an account (对方账号), an amount
and a memo (摘要/附言). Each is evidence for some customers; each piece of evidence is a reason
with a weight, and a customer's confidence is ``1 − Π(1 − weight)`` over its reasons (so two
independent signals make each other stronger, and nothing reaches 1).

Evidence and weights (``WEIGHTS``):

- *identity* — the payer is known to be this customer: the customer's own account (0.95), a
  third-party payer's (代付) account (0.90), the full name (0.90), a known alias (0.85), an alias
  learned from an approved claim (0.85), a third-party payer's name (0.80);
- *hints* — the customer group's name (0.50), the same short name (0.50, "杭州甲科技有限公司" and
  "甲科技" share "甲科技"), a contract number (0.70) or a document number (0.75) of the
  customer written in the memo, the amount equal to one open receivable (0.40) or to the sum of
  the customer's overdue ones (0.35).

The verdict: exactly one customer with identity evidence, and a memo that names no contract or
names one of that customer's ⇒ applied automatically (``match_unique``); a group name plus an amount that fits exactly
one member of the group, with nothing else pointing elsewhere, is applied too
(``match_group_amount``). Two customers with identity evidence ⇒ wait (``match_ambiguous``);
hints only ⇒ wait (``match_unconfirmed``); nothing ⇒ wait (``match_none``). Waiting receipts
keep their best candidates for finance; the claim pool never shows them to salespeople.

Names are compared after NFKC (full-width brackets and letters), without spaces, upper case;
accounts without spaces and dashes.

>>> directory = Directory.build([
...     Known("name", 1, "杭州甲科技有限公司"),
...     Known("account", 1, "6222 0000 1111 2222"),
...     Known("name", 2, "南京乙工程有限公司"),
...     Known("alias", 2, "乙工程"),
... ])
>>> items = {1: (OpenItem(11, 101, Decimal("300.00"), date(2026, 2, 1), "HT-A-001#1"),)}
>>> m = match(Receipt(Decimal("300.00"), "杭州甲科技有限公司", memo="货款"), directory,
...           open_items=items, as_of=date(2026, 5, 6))
>>> m.customer_id, m.confidence, m.verdict.code
(1, 0.94, 'match_unique')
>>> [r.code for r in m.candidates[0].reasons]
['match_name', 'match_amount_item']
>>> match(Receipt(Decimal("80.00"), "甲科技"), directory, as_of=date(2026, 5, 6)).verdict.code
'match_unconfirmed'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from huikuan.core.money import ZERO, cents
from huikuan.core.reasons import Reason

REASONS: dict[str, tuple[str, str]] = {
    "match_account": ("付款账号 {account} 是该客户的账号", "account {account} is the customer's own"),
    "match_payer_account": ("付款账号 {account} 属于代付方 {payer}", "account {account} is payer {payer}'s"),
    "match_name": ("付款户名与客户全称一致", "the payer's name is the customer's full name"),
    "match_alias": ("付款户名是客户的别名“{alias}”", "the payer's name is the customer's alias “{alias}”"),
    "match_learned_alias": ("付款户名“{alias}”是认领时学到的别名", "alias “{alias}” learned from a claim"),
    "match_payer_name": ("付款方是该客户的代付方“{payer}”", "paid by third-party payer “{payer}”"),
    "match_group": ("付款户名是客户所属集团“{group}”", "the payer is the customer's group “{group}”"),
    "match_short_name": (
        "付款户名与客户简称“{short}”一致",
        "the payer's name shares the short name “{short}”",
    ),
    "match_memo_contract": ("摘要中写明合同 {contract_no}", "the memo names contract {contract_no}"),
    "match_memo_document": ("摘要中写明单据 {doc_no}", "the memo names document {doc_no}"),
    "match_amount_item": (
        "金额 {amount} 等于应收 {receivable} 的未收余额",
        "{amount} is what {receivable} has open",
    ),
    "match_amount_overdue": (
        "金额 {amount} 等于 {count} 笔逾期应收的合计",
        "{amount} is {count} overdue items' sum",
    ),
    "match_unique": ("唯一确定的客户，自动登记回款", "one customer identified: recorded automatically"),
    "match_group_amount": (
        "集团名称加金额确定了客户，自动登记",
        "group name and amount fit one member: recorded",
    ),
    "match_ambiguous": (
        "{count} 个客户都可能是付款方，待认领",
        "{count} customers could be the payer: waiting",
    ),
    "match_unconfirmed": ("只有简称、集团、摘要或金额等线索，待认领", "only hints, no identity: waiting"),
    "match_none": ("找不到对应客户，待认领", "no customer found: waiting for a claim"),
    "match_already_recorded": ("该流水已登记为回款 {payment_id}", "already recorded as payment {payment_id}"),
}

WEIGHTS: dict[str, float] = {
    "match_account": 0.95,
    "match_payer_account": 0.90,
    "match_name": 0.90,
    "match_alias": 0.85,
    "match_learned_alias": 0.85,
    "match_payer_name": 0.80,
    "match_group": 0.50,
    "match_short_name": 0.50,
    "match_memo_contract": 0.70,
    "match_memo_document": 0.75,
    "match_amount_item": 0.40,
    "match_amount_overdue": 0.35,
}
MEMO = frozenset({"match_memo_contract", "match_memo_document"})
AMOUNT = frozenset({"match_amount_item", "match_amount_overdue"})
# Name kinds → the reason they give; accounts are looked up separately.
NAME_REASONS = {
    "name": "match_name",
    "alias": "match_alias",
    "learned_alias": "match_learned_alias",
    "payer_name": "match_payer_name",
    "group": "match_group",
}
ACCOUNT_REASONS = {"account": "match_account", "payer_account": "match_payer_account"}
IDENTITY = frozenset(ACCOUNT_REASONS.values()) | (frozenset(NAME_REASONS.values()) - {"match_group"})
MAX_CANDIDATES = 5
MIN_TOKEN = 4  # shorter memo tokens ("A1", "No.1") name nothing reliably

_ORG_SUFFIXES = (  # noqa: SIM905 - longest first
    "股份有限公司 有限责任公司 有限公司 集团公司 分公司 公司 集团 CO.,LTD. CO.,LTD CO.LTD. LTD. LTD INC. INC"
).split()
_REGIONS = (  # noqa: SIM905 - one line per region would make a page of names
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 "
    "海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 中国 深圳 广州 杭州 "
    "南京 苏州 无锡 宁波 温州 厦门 青岛 济南 大连 沈阳 长春 哈尔滨 武汉 长沙 成都 西安 郑州 合肥 福州 "
    "南昌 昆明 贵阳 南宁 海口 太原 石家庄 兰州 西宁 银川 乌鲁木齐 拉萨 呼和浩特 东莞 佛山 珠海 常州 "
    "南通 绍兴 嘉兴 金华 台州 烟台 潍坊 徐州 扬州 泉州"
).split()
# Only known place names: a generic "…市" rule would cut "华夏市场" into "场".
_REGION_RE = re.compile(
    "^(?:" + "|".join(sorted(_REGIONS, key=len, reverse=True)) + ")(?:省|市|自治区|特别行政区)?"
)
_BRACKETS = re.compile(r"\([^)]*\)")
_TOKEN = re.compile(r"[A-Z0-9][A-Z0-9\-_/.]*[A-Z0-9]")


def name_key(text: str | None) -> str | None:
    """How names are compared: NFKC, no spaces, upper case (for Latin letters).

    >>> name_key(" 杭州甲科技（集团） 有限公司 ")
    '杭州甲科技(集团)有限公司'
    """
    if text is None:
        return None
    return "".join(unicodedata.normalize("NFKC", text).split()).upper() or None


def account_key(text: str | None) -> str | None:
    """Account numbers without spaces and dashes.

    >>> account_key("6222 0000-1111 2222")
    '6222000011112222'
    """
    if text is None:
        return None
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text)).upper() or None


def short_name(name: str) -> str | None:
    """The customer's short name: the full name without region, brackets and company form.

    >>> short_name("南京乙工程有限公司"), short_name("浙江省杭州市甲科技股份有限公司")
    ('乙工程', '甲科技')
    >>> short_name("北京丙集团有限公司")
    '丙集团'
    """
    key = name_key(name)
    if key is None:
        return None
    key = _BRACKETS.sub("", key)
    for _ in range(2):
        rest = _REGION_RE.sub("", key, count=1)
        if len(rest) >= 2:
            key = rest
    changed = True
    while changed:
        changed = False
        for suffix in _ORG_SUFFIXES:
            if key.endswith(suffix) and len(key) - len(suffix) >= 2:
                key, changed = key[: -len(suffix)], True
                break
    return key if len(key) >= 2 and key not in _ORG_SUFFIXES else None


def memo_tokens(memo: str | None) -> tuple[str, ...]:
    """Words of the memo that could be a contract or document number (upper case, ≥ 4 chars).

    >>> memo_tokens("支付HT-B-001进度款，第2期 ht-b-001")
    ('HT-B-001',)
    """
    if not memo:
        return ()
    text = unicodedata.normalize("NFKC", memo).upper()
    found = [t for t in _TOKEN.findall(text) if len(t) >= MIN_TOKEN]
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True, slots=True)
class Known:
    """One way a customer is known: ``kind`` is name, alias, learned_alias, payer_name, group,
    account or payer_account; ``label`` is what a reason shows (the payer's name for its account)."""

    kind: str
    customer_id: int
    value: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class Directory:
    """Every customer's names and accounts, indexed by their comparison keys."""

    names: Mapping[str, tuple[Known, ...]]
    accounts: Mapping[str, tuple[Known, ...]]
    shorts: Mapping[str, frozenset[int]]

    @classmethod
    def build(cls, entries: Iterable[Known]) -> Directory:
        names: dict[str, list[Known]] = {}
        accounts: dict[str, list[Known]] = {}
        shorts: dict[str, set[int]] = {}
        for entry in entries:
            if entry.kind in ACCOUNT_REASONS:
                key = account_key(entry.value)
                if key:
                    accounts.setdefault(key, []).append(entry)
                continue
            key = name_key(entry.value)
            if key:
                names.setdefault(key, []).append(entry)
            if entry.kind == "name":
                short = short_name(entry.value)
                if short:
                    shorts.setdefault(short, set()).add(entry.customer_id)
        return cls(
            {k: tuple(v) for k, v in names.items()},
            {k: tuple(v) for k, v in accounts.items()},
            {k: frozenset(v) for k, v in shorts.items()},
        )


@dataclass(frozen=True, slots=True)
class Receipt:
    """A credit line: what the bank tells about the money."""

    amount: Decimal
    counterparty: str
    account: str = ""
    memo: str = ""


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An open receivable of a candidate customer (``label`` such as "HT-001#2")."""

    receivable_id: int
    contract_id: int
    open: Decimal
    due_on: date
    label: str = ""


@dataclass(frozen=True, slots=True)
class Reference:
    """A contract number (``doc_no`` empty) or a document number of a customer, as recorded."""

    text: str
    customer_id: int
    contract_id: int
    contract_no: str
    doc_no: str = ""


@dataclass(frozen=True, slots=True)
class CustomerMatch:
    customer_id: int
    confidence: float
    reasons: tuple[Reason, ...]
    named_contract_id: int | None = None

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(r.code for r in self.reasons)


@dataclass(frozen=True, slots=True)
class Match:
    """The verdict for one receipt: the customer to apply it to (None: it waits) and the best
    candidates, strongest first."""

    verdict: Reason
    customer_id: int | None = None
    named_contract_id: int | None = None
    candidates: tuple[CustomerMatch, ...] = field(default_factory=tuple)

    @property
    def applied(self) -> bool:
        return self.customer_id is not None

    @property
    def confidence(self) -> float:
        return self.candidates[0].confidence if self.candidates else 0.0


def confidence(codes: Iterable[str]) -> float:
    """``1 − Π(1 − weight)`` over the distinct codes, to two places, at most 0.99.

    >>> confidence(["match_name", "match_amount_item"])
    0.94
    """
    miss = 1.0
    for code in set(codes):
        miss *= 1.0 - WEIGHTS.get(code, 0.0)
    return min(round(1.0 - miss, 2), 0.99)  # certainty is for people: an approved claim


def candidate_customers(
    receipt: Receipt, directory: Directory, references: Sequence[Reference] = ()
) -> frozenset[int]:
    """The customers any name, account or memo evidence points at (before amounts are read)."""
    return frozenset(_evidence(receipt, directory, references))


def _evidence(
    receipt: Receipt, directory: Directory, references: Sequence[Reference]
) -> dict[int, list[Reason]]:
    found: dict[int, list[Reason]] = {}

    def add(customer_id: int, reason: Reason) -> None:
        reasons = found.setdefault(customer_id, [])
        if all(r.code != reason.code for r in reasons):
            reasons.append(reason)

    account = account_key(receipt.account)
    for known in directory.accounts.get(account or "", ()):
        params = {"account": account} | ({"payer": known.label} if known.kind == "payer_account" else {})
        add(known.customer_id, Reason(ACCOUNT_REASONS[known.kind], params))
    key = name_key(receipt.counterparty)
    named: set[int] = set()
    for known in directory.names.get(key or "", ()):
        code = NAME_REASONS[known.kind]
        param = {"alias": "alias", "learned_alias": "alias", "payer_name": "payer", "group": "group"}
        params = {param[known.kind]: known.value} if known.kind in param else {}
        add(known.customer_id, Reason(code, params))
        named.add(known.customer_id)
    short = short_name(receipt.counterparty) if key else None
    for candidate in (key, short):
        for customer_id in directory.shorts.get(candidate or "", frozenset()):
            if customer_id not in named:
                add(customer_id, Reason("match_short_name", {"short": candidate}))
    tokens = set(memo_tokens(receipt.memo))
    for ref in references:
        if name_key(ref.text) not in tokens:
            continue
        if ref.doc_no:
            add(ref.customer_id, Reason("match_memo_document", {"doc_no": ref.doc_no}))
        else:
            add(ref.customer_id, Reason("match_memo_contract", {"contract_no": ref.contract_no}))
    return found


def _amount_reasons(amount: Decimal, items: Sequence[OpenItem], as_of: date) -> list[Reason]:
    reasons: list[Reason] = []
    text = f"{amount:.2f}"
    exact = [i for i in items if i.open == amount]
    if exact:
        reasons.append(Reason("match_amount_item", {"amount": text, "receivable": exact[0].label}))
    overdue = [i for i in items if i.open > ZERO and i.due_on < as_of]
    if len(overdue) > 1 and sum((i.open for i in overdue), ZERO) == amount:
        reasons.append(Reason("match_amount_overdue", {"amount": text, "count": len(overdue)}))
    return reasons


def _named_contract(customer_id: int, references: Sequence[Reference], tokens: set[str]) -> int | None:
    contracts = {
        r.contract_id for r in references if r.customer_id == customer_id and name_key(r.text) in tokens
    }
    return contracts.pop() if len(contracts) == 1 else None


def match(
    receipt: Receipt,
    directory: Directory,
    *,
    as_of: date,
    references: Sequence[Reference] = (),
    open_items: Mapping[int, Sequence[OpenItem]] | None = None,
) -> Match:
    """Who paid ``receipt``: the evidence per customer, and whether it may be applied.

    ``references`` are the contracts and documents whose numbers appear among the memo's
    tokens (the caller looks them up); ``open_items`` are the open receivables of the customers
    worth checking amounts for (any customer in it can become a candidate on amount alone).
    ``as_of`` (the receipt's date) decides what is overdue.
    """
    amount = cents(receipt.amount)
    evidence = _evidence(receipt, directory, references)
    for customer_id, items in (open_items or {}).items():
        for reason in _amount_reasons(amount, items, as_of):
            evidence.setdefault(customer_id, []).append(reason)
    tokens = set(memo_tokens(receipt.memo))
    ranked = sorted(
        (
            CustomerMatch(
                customer_id,
                confidence(r.code for r in reasons),
                tuple(reasons),
                _named_contract(customer_id, references, tokens),
            )
            for customer_id, reasons in evidence.items()
        ),
        key=lambda c: (-c.confidence, c.customer_id),
    )
    return _decide(tuple(ranked))


def _decide(ranked: tuple[CustomerMatch, ...]) -> Match:
    shown = ranked[:MAX_CANDIDATES]
    if not ranked:
        return Match(Reason("match_none"))
    identified = [c for c in ranked if c.codes & IDENTITY]
    memo_named = {c.customer_id for c in ranked if c.codes & MEMO}
    if len(identified) == 1:
        chosen = identified[0]
        # The memo naming only another customer's contract contradicts the payer: wait.
        if not memo_named or chosen.customer_id in memo_named:
            return _applied(Reason("match_unique"), chosen, ranked)
        count = len(memo_named | {chosen.customer_id})
        return Match(Reason("match_ambiguous", {"count": count}), candidates=shown)
    if len(identified) > 1:
        return Match(Reason("match_ambiguous", {"count": len(identified)}), candidates=shown)
    by_group = [c for c in ranked if "match_group" in c.codes and c.codes & AMOUNT]
    others = {c.customer_id for c in ranked if c.codes - AMOUNT - {"match_group"}}
    if len(by_group) == 1 and others <= {by_group[0].customer_id}:
        chosen = by_group[0]
        return _applied(Reason("match_group_amount"), chosen, ranked)
    return Match(Reason("match_unconfirmed"), candidates=shown)


def _applied(verdict: Reason, chosen: CustomerMatch, ranked: tuple[CustomerMatch, ...]) -> Match:
    # The applied customer leads the candidates (and so gives the confidence).
    others = tuple(c for c in ranked if c is not chosen)
    shown = (chosen, *others)[:MAX_CANDIDATES]
    return Match(verdict, chosen.customer_id, chosen.named_contract_id, shown)
