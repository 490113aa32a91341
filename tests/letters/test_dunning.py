"""催款函: contract and invoice numbers, amounts in figures and 大写, deadline, bank details, interest to a
date with its basis, the SME regulation where it applies, accepted milestones (E3), D3 wording."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import World
from huikuan.core.wording import lint
from huikuan.ledger.models import CompanySettings, Customer
from huikuan.letters.builders import dunning_data
from huikuan.letters.common import LetterError, deadline
from huikuan.letters.render import render_docx
from letters.helpers import contract, docx_text, evidence_doc, invoice, lpr_table, receivables

DUE = date(2026, 1, 31)
AS_OF = date(2026, 3, 2)  # 30 days overdue


def letter_for(c, as_of: date = AS_OF) -> tuple[dict, str]:
    data = dunning_data(c, as_of, as_of)
    data.context["letter_no"] = "CK-TEST"
    return data.context, docx_text(render_docx("dunning.docx", data.context))


def sme(on: bool) -> None:
    settings = CompanySettings.current()
    settings.we_are_sme = on
    settings.save()


@pytest.fixture
def agreed(world: World, company):
    c = contract(
        world.cust_a, "HT-A-100", ("10000.00",), (DUE,), late_rate="0.0005", late_rate_basis="per_day"
    )
    invoice(receivables(c)[0], "26330000000000000100")
    invoice(receivables(c)[0], "26330000000000000099", status="red_reversed")
    return c


def test_contract_and_invoice_numbers_amounts_and_capitals(agreed) -> None:
    ctx, text = letter_for(agreed)
    assert "编号：HT-A-100" in text
    assert "26330000000000000100" in text and "26330000000000000099" not in text
    assert "1 | 到货款 | 2026-01-31 | 26330000000000000100 | 10,000.00" in text
    assert "人民币 10,000.00 元（大写：人民币壹万元整）" in text
    assert ctx["total"]["upper"] == "壹万元整"


def test_agreed_rate_interest_to_the_letter_date_with_its_basis(agreed) -> None:
    ctx, text = letter_for(agreed)
    assert ctx["interest"]["interest"]["figures"] == "150.00"  # 10,000 × 0.05 % × 30 days
    assert "逾期付款利息为人民币 150.00 元（大写：人民币壹佰伍拾元整）" in text
    assert "本息合计人民币 10,150.00 元" in text
    assert "按双方约定的逾期付款利率（日利率0.05%）计算" in text
    assert "2026-02-01至2026-03-02 | 30 | 日0.05% | 150.00" in text


def test_lpr_basis_from_the_rate_table_when_nothing_was_agreed(world: World, company) -> None:
    lpr_table()
    c = contract(world.cust_a, "HT-A-101", ("100000.00",), (DUE,))
    ctx, text = letter_for(c)
    assert ctx["interest"]["interest"]["figures"] == "320.55"  # 100,000 × 3.0 % × 1.3 × 30/365
    assert "一年期贷款市场报价利率（LPR）为基础，加计30%计算" in text
    assert "法释〔2012〕8号" in text
    assert "年3.9%" in text


def test_rate_changes_are_applied_piecewise_and_add_up(world: World, company) -> None:
    lpr_table()  # 3.0 % until 19 March 2026, 2.9 % from 20 March
    c = contract(world.cust_a, "HT-A-102", ("100000.00",), (DUE,))
    ctx, text = letter_for(c, date(2026, 3, 31))
    pieces = ctx["interest"]["pieces"]
    assert [p["days"] for p in pieces] == [47, 12]
    assert sum(p["interest"]["value"] for p in pieces) == ctx["interest"]["interest"]["value"]
    assert "2026年3月20日起一年期LPR为2.9%，此后分段计算" in text


def test_no_rate_table_means_principal_only_with_a_warning(world: World, company) -> None:
    c = contract(world.cust_a, "HT-A-103", ("100000.00",), (DUE,))
    data = dunning_data(c, AS_OF, AS_OF)
    assert not data.context["interest"]["claimed"]
    assert data.warnings and "逾期利息无法计算" in data.warnings[0]
    assert "逾期付款利息" not in docx_text(render_docx("dunning.docx", data.context))


def test_sme_regulation_paragraph_and_daily_rate_when_it_applies(world: World, company) -> None:
    sme(True)  # we are an SME; the customer is a large enterprise
    c = contract(world.cust_a, "HT-A-104", ("100000.00",), (DUE,))
    ctx, text = letter_for(c)
    assert "《保障中小企业款项支付条例》" in text
    assert "大型企业从中小企业采购货物、工程、服务，应当自货物、工程、服务交付之日起60日内支付款项" in text
    assert "履行内部付款流程" in text
    assert ctx["interest"]["interest"]["figures"] == "1,500.00"  # 0.05 % a day × 30 days
    assert "双方未约定逾期利率，按每日利率万分之五计算" in text


def test_public_bodies_get_the_30_day_rule(world: World, company) -> None:
    sme(True)
    body = Customer.objects.create(name="某市图书馆", customer_type="public_institution", owner=world.sales_a)
    _ctx, text = letter_for(
        contract(body, "HT-P-1", ("5000.00",), (DUE,), late_rate="0.06", late_rate_basis="per_year")
    )
    assert (
        "机关、事业单位从中小企业采购货物、工程、服务，应当自货物、工程、服务交付之日起30日内支付款项" in text
    )


@pytest.mark.parametrize(("we_are_sme", "customer_type"), [(False, "large"), (True, "sme"), (True, "other")])
def test_no_sme_paragraph_when_the_regulation_does_not_apply(
    world: World, company, we_are_sme, customer_type
):
    sme(we_are_sme)
    world.cust_a.customer_type = customer_type
    world.cust_a.save()
    c = contract(
        world.cust_a, "HT-A-105", ("10000.00",), (DUE,), late_rate="0.0005", late_rate_basis="per_day"
    )
    ctx, text = letter_for(c)
    assert ctx["sme"] == [] and "保障中小企业款项支付条例" not in text


def test_quotes_only_results_the_customer_accepted(agreed) -> None:
    r = receivables(agreed)[0]
    evidence_doc(agreed, "delivery_receipt", date(2026, 1, 10), "company", "签收单 QS-1", r)
    evidence_doc(agreed, "acceptance_certificate", date(2026, 1, 20), "none", "验收单 YS-1", r)
    ctx, text = letter_for(agreed)
    assert [a["title"] for a in ctx["achievements"]] == ["货物/服务已交付并经贵司签收（签收单 QS-1）"]
    assert "2026年1月10日，货物/服务已交付并经贵司签收（签收单 QS-1）" in text
    assert "YS-1" not in text


def test_deadline_and_bank_details(agreed) -> None:
    ctx, text = letter_for(agreed)
    assert ctx["deadline"] == date(2026, 3, 17)  # 15 days after the letter, a Tuesday
    assert "恳请贵司于2026年3月17日前将上述款项支付至我司以下账户" in text
    assert "户名：杭州回款科技有限公司" in text and "账号：571900000000001" in text


def test_a_deadline_on_a_holiday_rolls_to_the_next_workday(company) -> None:
    assert deadline(date(2026, 9, 16), 15) == date(2026, 10, 8)  # 1 October: National Day week


@pytest.mark.parametrize("with_sme", [False, True])
def test_wording_passes_the_d3_linter_for_a_non_malicious_debt(world: World, agreed, with_sme: bool) -> None:
    lpr_table()
    sme(with_sme)
    evidence_doc(agreed, "acceptance_certificate", date(2026, 1, 20), "finance", "验收单 YS-2")
    contract(world.cust_a, "HT-A-106", ("2000.00",), (DUE,))
    for c in (agreed, world.cust_a.contracts.get(number="HT-A-106")):
        _ctx, text = letter_for(c)
        result = lint(text, nature="non_malicious", purpose="demand")
        assert result.findings == (), [f.phrase for f in result.findings]


def test_nothing_due_is_bad_input(world: World, company) -> None:
    c = contract(world.cust_a, "HT-A-107", ("10000.00",), (date(2026, 6, 30),))
    with pytest.raises(LetterError, match="没有已到期未付的款项"):
        dunning_data(c, AS_OF, AS_OF)
