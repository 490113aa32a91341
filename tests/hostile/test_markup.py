"""HTML/JS and template syntax in every text field stay text on every page that shows them.

The payloads enter through the imports (customers, contacts, receivables, payments, bank statement) and the
services (activities, promises, documents, sanctions, claims); then each page is rendered as the
persona who sees it, parsed, and checked: the payload is visible as text, and there is no script
carrying it, no on* attribute, no <img src=x>, no javascript: link.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from conftest import World
from factories import PASSWORD
from huikuan.analytics.run import run_daily
from huikuan.cli import main
from huikuan.collection.models import Channel
from huikuan.collection.services import documents, sanctions
from huikuan.collection.services.activities import ActivityInput, PromiseInput, log_activity
from huikuan.imports.pipeline import run_import
from huikuan.ledger.models import Contact, Customer, Receivable
from huikuan.receipts.models import BankReceipt
from huikuan.receipts.services import claim

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{7*7}}"
LINK = "javascript:alert(1)"
ALL = f"{SCRIPT}{IMG}{TEMPLATE} {LINK}"  # 82 characters
NAME = f"恶意{SCRIPT}{IMG}有限公司"
AS_OF = date(2026, 11, 27)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def csv_file(tmp: Path, name: str, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path = tmp / name
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


def imported(tmp: Path, kind: str, rows: list[list[str]]) -> None:
    result = run_import(csv_file(tmp, f"{kind}.csv", rows), kind, today=AS_OF)
    assert result.ok and result.written, [str(e) for e in result.errors]


@pytest.fixture
def hostile(world: World, tmp_path: Path) -> dict[str, Any]:
    imported(
        tmp_path,
        "customers",
        [
            ["客户名称", "客户编码", "集团", "销售", "开票要求", "信用等级", "开户银行", "别名"],
            [NAME, "E-1", f"{TEMPLATE}集团{SCRIPT}", "sales_a", ALL, "=1+1", IMG[:30], f"简称{SCRIPT}"],
        ],
    )
    imported(
        tmp_path,
        "contacts",
        [
            ["客户编码", "姓名", "角色", "职务", "电话", "邮箱", "可拜访时间"],
            ["E-1", f"王{SCRIPT}", "决策人", IMG[:30], LINK, "a@example.com", ALL],
            ["E-1", f"李{IMG[:30]}", "付款责任人", TEMPLATE, "=2+3", "", ""],
        ],
    )
    imported(
        tmp_path,
        "receivables",
        [
            ["客户编码", "合同编号", "项目名称", "单据编号", "款项", "金额", "到期日"],
            ["E-1", f"HT{SCRIPT}", ALL, f"D{IMG[:30]}", "验收款", "1000.00", "2026-08-01"],
            ["E-1", f"HT{SCRIPT}", ALL, "D-2", "质保金", "500.00", "2026-09-01"],
        ],
    )
    imported(
        tmp_path,
        "payments",
        [
            ["客户编码", "回款日期", "金额", "流水号", "摘要", "付款方户名"],
            ["E-1", "2026-09-05", "100.00", f"LS{SCRIPT}", ALL, f"付款方{IMG[:30]}"],
        ],
    )
    customer = Customer.objects.get(code="E-1")
    contract = customer.contracts.get()
    first = Receivable.objects.filter(contract=contract).order_by("sequence").first()
    contact = Contact.objects.get(name=f"王{SCRIPT}")
    world.sales_a.refresh_from_db()
    log_activity(
        world.sales_a,
        first,
        ActivityInput(
            channel=Channel.CALL,
            contact=contact,
            notes=ALL,
            promises=(PromiseInput(Decimal("300.00"), AS_OF + timedelta(days=5)),),
            next_action_on=AS_OF + timedelta(days=6),
        ),
        today=AS_OF,
    )
    doc = documents.upload_document(
        contract,
        SimpleUploadedFile(f"{SCRIPT}{IMG}.pdf", PDF),
        documents.DocumentInput(kind="delivery_receipt", title=f"签收单{SCRIPT}{IMG}"),
        actor=world.sales_a,
    )
    sanction = sanctions.propose(
        customer, sanctions.Proposal(kind="credit_hold", reason=ALL), actor=world.sales_a
    )
    imported(
        tmp_path,
        "bank",
        [
            ["交易日期", "贷方金额", "对方户名", "对方账号", "摘要", "流水号"],
            ["2026-11-27", "50.00", f"对方{SCRIPT}", "6222000099990000", ALL, f"W{SCRIPT}"],
            ["2026-11-27", "60.00", f"未认领{IMG[:30]}", "6222000099990001", ALL, "W2"],
        ],
    )
    receipt = BankReceipt.objects.get(counterparty_name=f"对方{SCRIPT}")
    waiting = BankReceipt.objects.get(counterparty_name=f"未认领{IMG[:30]}")
    assert receipt.status == waiting.status == BankReceipt.Status.UNMATCHED
    made = claim(receipt, world.sales_a, customer, [], ALL)
    run_daily(AS_OF, trigger="test")
    return {
        "customer": customer,
        "contract": contract,
        "receivable": first,
        "document": doc,
        "sanction": sanction,
        "claim": made,
        "waiting": waiting,
    }


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def assert_inert(html: str, url: str) -> str:
    """No live markup from the payloads; returns the page's visible text."""
    tree = lxml.html.fromstring(html)
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), f"{url}: <{el.tag} {name}={value!r}>"
            if name.lower() in ("href", "src", "action", "formaction", "hx-get", "hx-post"):
                assert not value.strip().lower().startswith("javascript:"), f"{url}: {name}={value!r}"
        if el.tag == "img":
            assert el.get("src") != "x", url
        if el.tag == "script":
            body = el.text or ""
            if el.get("type") == "application/json":
                json.loads(body)  # data for charts: JSON, and it never closes the script element
                assert "</" not in body, url
            else:
                assert "alert(1)" not in body, f"{url}: {body[:200]}"
    return tree.text_content()


def pages(h: dict[str, Any]) -> dict[str, list[str]]:
    c, k = h["customer"].pk, h["contract"].pk
    return {
        "sales_a": [
            "/today/",
            "/customers/",
            f"/customers/{c}/",
            "/contracts/",
            f"/contracts/{k}/",
            "/promises/",
            "/sanctions/",
            f"/sanctions/{h['sanction'].pk}/",
            "/claims/",
            f"/claims/receipts/{h['waiting'].pk}/",
            f"/claims/{h['claim'].pk}/",
            f"/meetings/receivables/{h['receivable'].pk}/",
            "/dashboards/",
            "/dashboards/promises/",
            "/dashboards/aging/",
            "/dashboards/completeness/",
        ],
        "mgr_east": ["/approvals/", f"/sanctions/{h['sanction'].pk}/", "/dashboards/", f"/customers/{c}/"],
        "finance": ["/claims/review/", f"/claims/{h['claim'].pk}/", "/claims/"],
    }


@pytest.mark.parametrize("persona", ["sales_a", "mgr_east", "finance"])
def test_every_page_shows_the_payloads_as_text_only(hostile: dict[str, Any], persona: str) -> None:
    client = client_for(persona)
    seen = ""
    for url in pages(hostile)[persona]:
        response = client.get(url)
        assert response.status_code == 200, url
        seen += assert_inert(response.content.decode(), url)
    assert SCRIPT in seen and "onerror=alert(1)>" in seen  # the payloads were on the pages, as text
    if persona == "sales_a":
        assert TEMPLATE in seen and LINK in seen  # template syntax in data is never evaluated


def test_an_htmx_partial_is_inert_too(hostile: dict[str, Any]) -> None:
    response = client_for("sales_a").get("/today/", HTTP_HX_REQUEST="true")
    assert_inert(response.content.decode() or "<div></div>", "/today/ (htmx)")


def test_dashboard_export_keeps_formulas_as_text(hostile: dict[str, Any]) -> None:
    response = client_for("sales_a").get("/dashboards/completeness/?export=xlsx")
    assert response.status_code == 200
    assert_no_formulas(response.content)


def assert_no_formulas(content: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(content))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), cell.value
                    texts.append(cell.value)
    return texts


def test_imported_formula_text_is_stored_as_text_and_exported_escaped(world: World, tmp_path: Path) -> None:
    formulas = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1:A2)", "=cmd|' /C calc'!A0"]
    rows = [["客户名称", "合同编号", "项目名称", "金额", "到期日", "销售"]]
    rows += [[f, f"HT-F-{i}", f, "100", "2026-03-01", "sales_a"] for i, f in enumerate(formulas)]
    imported(tmp_path, "receivables", rows)
    assert set(Customer.objects.filter(name__in=formulas).values_list("name", flat=True)) == set(formulas)
    run_daily(AS_OF, trigger="test")
    out = tmp_path / "worklist.xlsx"
    assert main(["report", "aging", "--out", str(out)]) == 0
    texts = assert_no_formulas(out.read_bytes())
    assert {f"'{f}" for f in formulas} <= set(texts)  # each shown as text, behind a quote


def test_confirmation_letter_for_a_hostile_name_is_valid_xml(hostile: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "对账确认函.docx"
    code = main(["letter", "confirmation", "--customer", str(hostile["customer"].pk), "--out", str(out)])
    assert code == 0
    with zipfile.ZipFile(out) as docx:
        for name in docx.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                lxml.etree.fromstring(docx.read(name))  # raises on malformed XML
        body = docx.read("word/document.xml").decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>" not in body
