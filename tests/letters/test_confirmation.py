"""对账确认函 (DESIGN §3 "Balance confirmation"): the customer's whole open balance per contract."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import World
from huikuan.letters.builders import confirmation_data
from huikuan.letters.common import LetterError, upper
from huikuan.letters.records import create_letter
from huikuan.letters.render import render_docx
from letters.helpers import D, contract, docx_text, invoice, pay, receivables

AS_OF = date(2026, 3, 31)
AUDITORS_SENTENCE = "本函仅为复核账目之用，并非催款结算"


@pytest.fixture
def letter(world: World, company) -> str:
    second = contract(
        world.cust_a, "HT-A-002", ("5000.00", "12345.67"), (date(2025, 12, 1), date(2026, 3, 1))
    )
    first_of_second, _ = receivables(second)
    pay(first_of_second, "1000.00", date(2026, 1, 10), world.finance)
    invoice(first_of_second, "25330000000000000001")
    data = confirmation_data(world.cust_a, AS_OF, date(2026, 4, 2))
    data.context["letter_no"] = "DZ-TEST"
    return docx_text(render_docx("confirmation.docx", data.context))


def test_states_each_contracts_balance_with_its_invoices(letter: str) -> None:
    # HT-A-001: 300 recognised 1 February; its 700 is recognised only on 1 April, after the balance date.
    assert "1 | HT-A-001 | 杭州甲科技有限公司项目 | 1,000.00 | — | 300.00" in letter
    assert "2 | HT-A-002 | HT-A-002项目 | 17,345.67 | 25330000000000000001 | 16,345.67" in letter


def test_total_in_figures_and_chinese_capitals(letter: str) -> None:
    total = D("300.00") + D("16345.67")
    assert f"人民币 {total:,.2f} 元" in letter
    assert "人民币壹万陆仟陆佰肆拾伍元陆角柒分" in letter
    assert upper(total) == "壹万陆仟陆佰肆拾伍元陆角柒分"


def test_has_the_reply_block_and_promise_line(letter: str) -> None:
    assert "1. 信息证明无误" in letter
    assert "2. 信息不符，请列明不符项目及具体内容" in letter
    assert "承诺于____年__月__日前支付" in letter
    assert "（公司盖章）" in letter and "经办人" in letter and "日期：____年__月__日" in letter


def test_never_carries_the_auditors_sentence(letter: str) -> None:
    assert AUDITORS_SENTENCE not in letter
    assert "并非催款" not in letter


def test_asks_for_payment_to_our_account_under_our_letterhead(letter: str) -> None:
    assert "尽快安排支付上述款项" in letter
    assert "开户银行：招商银行杭州分行" in letter and "账号：571900000000001" in letter
    assert "杭州回款科技有限公司" in letter  # letterhead and signature
    assert "经办人：李四" in letter
    assert "截至2026年3月31日" in letter and "2026年4月2日" in letter


def test_milestones_not_yet_recognised_or_paid_are_left_out(world: World, company) -> None:
    data = confirmation_data(world.cust_a, date(2026, 2, 15), date(2026, 2, 16))
    assert [i["open"]["value"] for i in data.context["items"]] == [D("300.00")]
    assert data.covers_whole_balance and data.receivable_ids == [i["id"] for i in data.context["items"]]


def test_no_open_balance_is_bad_input(world: World, company) -> None:
    with pytest.raises(LetterError, match="没有未付余额"):
        confirmation_data(world.cust_a, date(2026, 1, 1), date(2026, 1, 2))


def test_a_customer_name_with_xml_characters_stays_a_valid_document(world: World, company) -> None:
    world.cust_a.name = "A&B <测试> 公司"
    world.cust_a.save()
    generated = create_letter(confirmation_data(world.cust_a, AS_OF, AS_OF))
    assert "致：A&B <测试> 公司" in docx_text(generated.content)
