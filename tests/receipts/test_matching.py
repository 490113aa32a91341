"""The matching rules (huikuan.core.matching), as a table: one line of a statement, a small
directory of customers, and the verdict with its reasons. No database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from huikuan.core.matching import (
    IDENTITY,
    REASONS,
    WEIGHTS,
    Directory,
    Known,
    OpenItem,
    Receipt,
    Reference,
    confidence,
    match,
    memo_tokens,
    short_name,
)
from huikuan.core.reasons import describe, registry

ON = date(2026, 5, 6)
JIA, YI, BING, DING = 1, 2, 3, 4

DIRECTORY = Directory.build(
    [
        Known("name", JIA, "杭州甲科技有限公司"),
        Known("account", JIA, "6222 0000 1111 2222"),
        Known("name", YI, "南京乙工程有限公司"),
        Known("alias", YI, "乙工程"),
        Known("learned_alias", YI, "张三（个人）"),
        Known("name", BING, "北京丙制造有限公司"),
        Known("group", BING, "丙集团"),
        Known("payer_name", BING, "丙集团财务有限公司"),
        Known("payer_account", BING, "777-888", label="丙集团财务有限公司"),
        Known("name", DING, "上海丁制造有限公司"),
        Known("group", DING, "丙集团"),
        Known("payer_name", JIA, "共用代付人"),
        Known("payer_name", YI, "共用代付人"),
    ]
)
OPEN = {
    JIA: (
        OpenItem(11, 101, Decimal("300.00"), date(2026, 2, 1), "HT-A-001#1"),
        OpenItem(12, 101, Decimal("700.00"), date(2026, 4, 1), "HT-A-001#2"),
    ),
    YI: (OpenItem(21, 201, Decimal("450.00"), date(2026, 6, 1), "HT-B-001#1"),),
    BING: (OpenItem(31, 301, Decimal("900.00"), date(2026, 3, 1), "HT-C-001#1"),),
    DING: (OpenItem(41, 401, Decimal("650.00"), date(2026, 3, 1), "HT-D-001#1"),),
}
REFERENCES = (
    Reference("HT-B-001", YI, 201, "HT-B-001"),
    Reference("FP2026-0042", JIA, 101, "HT-A-001", doc_no="FP2026-0042"),
    Reference("HT-C-001", BING, 301, "HT-C-001"),
)

# (rule, counterparty, account, amount, memo, verdict, applied to, the applied/best one's codes)
CASES = [
    ("full_name", "杭州甲科技有限公司", "", "55.00", "", "match_unique", JIA, ["match_name"]),
    (
        "full_name_plus_one_open_item",
        "杭州甲科技有限公司",
        "",
        "300.00",
        "",
        "match_unique",
        JIA,
        ["match_name", "match_amount_item"],
    ),
    (
        "full_name_plus_the_overdue_sum",
        "杭州 甲科技有限公司",
        "",
        "1000.00",
        "",
        "match_unique",
        JIA,
        ["match_name", "match_amount_overdue"],
    ),
    ("own_account", "张某某", "6222000011112222", "10.00", "", "match_unique", JIA, ["match_account"]),
    ("known_alias", "乙工程", "", "10.00", "", "match_unique", YI, ["match_alias"]),
    ("learned_alias", "张三(个人)", "", "10.00", "", "match_unique", YI, ["match_learned_alias"]),
    (
        "third_party_payer_name",
        "丙集团财务有限公司",
        "",
        "10.00",
        "",
        "match_unique",
        BING,
        ["match_payer_name"],
    ),
    (
        "third_party_payer_account",
        "无名",
        "777888",
        "10.00",
        "",
        "match_unique",
        BING,
        ["match_payer_account"],
    ),
    ("group_alone_waits", "丙集团", "", "10.00", "", "match_unconfirmed", None, ["match_group"]),
    (
        "group_plus_amount_of_one_member",
        "丙集团",
        "",
        "650.00",
        "",
        "match_group_amount",
        DING,
        ["match_group", "match_amount_item"],
    ),
    ("short_name_waits", "甲科技", "", "10.00", "", "match_unconfirmed", None, ["match_short_name"]),
    (
        "short_name_of_another_form_waits",
        "浙江杭州甲科技股份有限公司",
        "",
        "10.00",
        "",
        "match_unconfirmed",
        None,
        ["match_short_name"],
    ),
    (
        "contract_in_memo_alone_waits",
        "陌生人",
        "",
        "10.00",
        "付HT-B-001款",
        "match_unconfirmed",
        None,
        ["match_memo_contract"],
    ),
    (
        "alias_and_its_contract_in_memo",
        "乙工程",
        "",
        "10.00",
        "HT-B-001 进度款",
        "match_unique",
        YI,
        ["match_alias", "match_memo_contract"],
    ),
    (
        "document_number_in_memo",
        "杭州甲科技有限公司",
        "",
        "10.00",
        "发票FP2026-0042",
        "match_unique",
        JIA,
        ["match_name", "match_memo_document"],
    ),
    ("amount_alone_waits", "陌生人", "", "450.00", "", "match_unconfirmed", None, ["match_amount_item"]),
    ("nothing_known_waits", "未知贸易公司", "12345", "800.00", "往来", "match_none", None, []),
    ("payer_shared_by_two_customers_waits", "共用代付人", "", "10.00", "", "match_ambiguous", None, None),
    (
        "name_of_one_account_of_another_waits",
        "杭州甲科技有限公司",
        "777888",
        "10.00",
        "",
        "match_ambiguous",
        None,
        None,
    ),
    (
        "memo_naming_another_customers_contract_waits",
        "杭州甲科技有限公司",
        "",
        "10.00",
        "HT-C-001",
        "match_ambiguous",
        None,
        None,
    ),
]


@pytest.mark.parametrize(
    ("rule", "payer", "account", "amount", "memo", "verdict", "applied", "codes"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_matching_rule(rule, payer, account, amount, memo, verdict, applied, codes) -> None:
    found = match(
        Receipt(Decimal(amount), payer, account, memo),
        DIRECTORY,
        as_of=ON,
        references=REFERENCES,
        open_items=OPEN,
    )
    assert found.verdict.code == verdict
    assert found.customer_id == applied
    if codes is not None:
        best = [r.code for r in found.candidates[0].reasons] if found.candidates else []
        assert best == codes
    if applied is None:
        assert found.named_contract_id is None
    else:
        assert found.candidates[0].customer_id == applied
        assert found.confidence == found.candidates[0].confidence > 0


def test_the_contract_named_in_the_memo_is_the_one_to_pay_first() -> None:
    found = match(
        Receipt(Decimal("10"), "乙工程", memo="HT-B-001 进度款"), DIRECTORY, as_of=ON, references=REFERENCES
    )
    assert found.named_contract_id == 201


def test_two_identities_are_ambiguous_and_keep_both_candidates() -> None:
    found = match(Receipt(Decimal("10"), "共用代付人"), DIRECTORY, as_of=ON)
    assert found.verdict.params["count"] == 2
    assert {c.customer_id for c in found.candidates} == {JIA, YI}


def test_confidence_grows_with_independent_evidence_and_never_reaches_one() -> None:
    assert confidence(["match_name"]) == 0.9
    assert confidence(["match_name", "match_amount_item"]) == 0.94
    assert confidence(["match_account", "match_name", "match_memo_document", "match_amount_item"]) < 1
    assert confidence([]) == 0


def test_identity_evidence_outweighs_any_single_hint() -> None:
    hints = set(WEIGHTS) - IDENTITY
    assert min(WEIGHTS[c] for c in IDENTITY) > max(WEIGHTS[c] for c in hints)


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("南京乙工程有限公司", "乙工程"),
        ("浙江省杭州市甲科技股份有限公司", "甲科技"),
        ("杭州甲科技（集团）有限公司", "甲科技"),
        ("北京丙集团有限公司", "丙集团"),
        ("华夏市场有限公司", "华夏市场"),
        ("公司", None),
    ],
)
def test_short_name(name, short) -> None:
    assert short_name(name) == short


def test_memo_tokens_are_long_enough_and_upper_case() -> None:
    assert memo_tokens("ht-b-001进度款 A1 2026") == ("HT-B-001", "2026")
    assert memo_tokens("") == ()


def test_every_reason_is_registered_in_both_languages() -> None:
    for code, (zh, en) in REASONS.items():
        assert registry().texts[code] == (zh, en)
    found = match(Receipt(Decimal("300"), "杭州甲科技有限公司"), DIRECTORY, as_of=ON, open_items=OPEN)
    texts = [describe(r) for r in found.candidates[0].reasons]
    assert texts == ["付款户名与客户全称一致", "金额 300.00 等于应收 HT-A-001#1 的未收余额"]
