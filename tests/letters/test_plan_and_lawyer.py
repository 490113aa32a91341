"""付款计划确认书 (E4: instalments that add up) and the 律师函 draft in the law firm's name (F5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from conftest import World
from huikuan.collection.models import PaymentPlan, Promise
from huikuan.core.money import split_evenly
from huikuan.letters.builders import lawyer_data, plan_data
from huikuan.letters.common import LetterError
from huikuan.letters.render import render_docx
from huikuan.letters.service import resolve
from letters.helpers import contract, docx_text, evidence_doc, lpr_table, receivables

D = Decimal


def make_plan(world: World, total: str = "1000.00", parts: int = 3, extra: str = "0.00") -> PaymentPlan:
    c = world.cust_a.contracts.get(number="HT-A-001")
    plan = PaymentPlan.objects.create(customer=world.cust_a, contract=c, total=D(total), status="active")
    plan.receivables.set(c.receivables.all())
    amounts = split_evenly(D(total), parts)
    amounts[-1] += D(extra)
    for seq, amount in enumerate(amounts, start=1):
        p = Promise.objects.create(
            customer=world.cust_a, plan=plan, sequence=seq, amount=amount, promised_on=date(2026, 4 + seq, 15)
        )
        p.receivables.set(c.receivables.all())
    return plan


def test_plan_lists_each_instalment_and_totals_equal(world: World, company) -> None:
    data = plan_data(make_plan(world), date(2026, 4, 2))
    rows = data.context["instalments"]
    assert [r["amount"]["figures"] for r in rows] == ["333.34", "333.33", "333.33"]
    assert sum(r["amount"]["value"] for r in rows) == data.context["total"]["value"] == D("1000.00")
    text = docx_text(render_docx("plan.docx", data.context))
    assert "1 | 2026年5月15日 | 333.34 | 叁佰叁拾叁元叁角肆分" in text
    assert "3 | 2026年7月15日 | 333.33 | 叁佰叁拾叁元叁角叁分" in text
    assert "合计 |  | 1,000.00 | 壹仟元整" in text
    assert "乙方承诺按下列计划分3期付款，合计人民币 1,000.00 元（大写：人民币壹仟元整）" in text
    assert "甲方（收款方）：杭州回款科技有限公司" in text and "乙方（付款方）：杭州甲科技有限公司" in text
    assert data.document_kind == "promise_letter" and len(data.receivable_ids) == 2


def test_instalments_that_do_not_add_up_are_refused(world: World, company) -> None:
    with pytest.raises(LetterError, match="不符"):
        plan_data(make_plan(world, extra="0.01"), date(2026, 4, 2))


def test_a_receivable_resolves_to_the_latest_plan_naming_it(world: World, company) -> None:
    make_plan(world)
    newer = make_plan(world, total="700.00", parts=2)
    first = receivables(world.cust_a.contracts.get(number="HT-A-001"))[0]
    assert resolve("plan", receivable_id=first.pk).plan == newer
    with pytest.raises(LetterError, match="没有回款方案"):
        resolve("plan", receivable_id=receivables(world.cust_b.contracts.get())[0].pk)


@pytest.fixture
def lawyer_text(world: World, company) -> tuple[dict, str]:
    lpr_table()
    c = contract(
        world.cust_a,
        "HT-A-200",
        ("50000.00",),
        (date(2026, 1, 31),),
        late_rate="0.0005",
        late_rate_basis="per_day",
    )
    evidence_doc(c, "acceptance_certificate", date(2026, 1, 5), "company", "验收单 YS-9")
    data = lawyer_data(world.cust_a, None, date(2026, 3, 2), date(2026, 3, 3))
    data.context["letter_no"] = "LS-TEST"
    return data.context, docx_text(render_docx("lawyer.docx", data.context))


def test_lawyer_letter_is_in_the_firms_name_with_its_fields(lawyer_text) -> None:
    _ctx, text = lawyer_text
    assert "浙江明法律师事务所（以下简称“本所”）接受杭州回款科技有限公司（以下简称“委托人”）的委托" in text
    assert "指派陈律律师" in text and "执业证号：13301200000000001" in text
    assert "地址：杭州市上城区庆春路8号" in text  # the firm's footer, not ours
    assert "草稿" in text


def test_lawyer_letter_covers_every_contract_with_interest_per_contract(lawyer_text) -> None:
    ctx, text = lawyer_text
    assert "HT-A-001 | 杭州甲科技有限公司项目 | 2026年1月5日 | 1,000.00 | — | 300.00" in text
    assert "HT-A-200 | HT-A-200项目 | 2025年6月1日 | 50,000.00 | — | 50,000.00" in text
    assert "贵司尚欠委托人到期款项合计人民币 50,300.00 元（大写：人民币伍万零叁佰元整）" in text
    # 50,000 × 0.05 % × 30 = 750.00; 300 from 2 Feb to 2 Mar at LPR 3.0 % × 1.3: 300 × 0.039 × 29/365 = 0.93
    assert ctx["interest"]["interest"]["figures"] == "750.93"
    assert "编号HT-A-001：双方未约定逾期付款利率" in text and "编号HT-A-200：按双方约定的逾期付款利率" in text
    assert "合同编号HT-A-200：已通过贵司验收（验收单 YS-9）" in text


def test_lawyer_letter_for_one_contract_names_only_its_receivables(world: World, company) -> None:
    c = contract(
        world.cust_a,
        "HT-A-201",
        ("800.00",),
        (date(2026, 1, 31),),
        late_rate="0.06",
        late_rate_basis="per_year",
    )
    data = lawyer_data(world.cust_a, c, date(2026, 3, 2), date(2026, 3, 3))
    assert data.receivable_ids == [r.pk for r in receivables(c)]
    assert [x["number"] for x in data.context["contracts"]] == ["HT-A-201"]
