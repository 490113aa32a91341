"""F5 evidence bundle: every document file, index.xlsx (formula-safe), the chronology and the limitation
status — for a customer or one contract."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from django.core.files.base import ContentFile

from conftest import World
from huikuan.audit.models import AuditEntry
from huikuan.collection.models import Activity, Promise
from huikuan.ledger.models import Document
from huikuan.letters.builders import confirmation_data, dunning_data
from huikuan.letters.evidence.bundle import build_evidence
from huikuan.letters.records import create_letter, mark_delivered, mark_returned
from letters.helpers import D, contract, invoice, pay, receivables

AS_OF = date(2026, 6, 30)


def upload(c, kind: str, on: date, content: bytes, title: str, seal: str = "company") -> Document:
    doc = Document(customer=c.customer, contract=c, kind=kind, title=title, issued_on=on, seal_kind=seal)
    doc.sha256 = hashlib.sha256(content).hexdigest()
    doc.original_filename = f"{title}.pdf"
    doc.file.save("scan.pdf", ContentFile(content), save=False)
    doc.save()
    return doc


@pytest.fixture
def ledger(world: World, company):
    c = world.cust_a.contracts.get()
    first, _second = receivables(c)
    other = contract(world.cust_a, "HT-A-400", ("800.00",), (date(2026, 3, 1),))
    upload(c, "contract", date(2026, 1, 5), b"%PDF contract", "合同 HT-A-001")
    upload(c, "acceptance_certificate", date(2026, 3, 20), b"%PDF acceptance", "验收单", seal="department")
    upload(other, "contract", date(2025, 6, 1), b"%PDF other", "合同 HT-A-400")
    invoice(first, "26330000000000000001")
    pay(first, "100.00", date(2026, 2, 20), world.finance)
    call = Activity.objects.create(
        customer=world.cust_a,
        channel="call",
        occurred_at=datetime(2026, 4, 1, 10, tzinfo=UTC),
        outcome="promised",
    )
    promise = Promise.objects.create(
        customer=world.cust_a, amount=D("200.00"), promised_on=date(2026, 4, 15), written=True, activity=call
    )
    promise.receivables.add(first)
    confirmation = create_letter(
        confirmation_data(world.cust_a, date(2026, 3, 31), date(2026, 4, 2))
    ).document
    mark_returned(confirmation, date(2026, 4, 12), "finance", world.sales_a, confirmed_amount=D("200.00"))
    demand = create_letter(dunning_data(c, date(2026, 4, 20), date(2026, 4, 20))).document
    mark_delivered(demand, date(2026, 4, 22), "EMS 9876543210", world.sales_a)
    return c, other


def sheets(path: Path) -> dict[str, list[tuple]]:
    with zipfile.ZipFile(path) as bundle:
        book = openpyxl.load_workbook(io.BytesIO(bundle.read("index.xlsx")))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_contract_bundle_holds_its_documents_and_the_whole_balance_confirmation(
    world, ledger, tmp_path
) -> None:
    c, _other = ledger
    out = tmp_path / "evidence.zip"
    bundle = build_evidence(customer=world.cust_a, contract=c, as_of=AS_OF, out=out, actor=world.sales_a)
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        files = [n for n in names if n.startswith("单据/")]
        assert z.read(next(n for n in files if "合同" in n)) == b"%PDF contract"
        summary = z.read("说明.txt").decode()
    assert len(files) == bundle.documents == 4  # contract, acceptance, confirmation, demand — not HT-A-400's
    assert {"index.xlsx", "说明.txt"} <= set(names)
    assert "诉讼时效计算仅供决策参考，不构成法律意见" in summary
    docs = sheets(out)["单据清单"]
    assert docs[0][:4] == ("序号", "类型", "标题", "合同编号")
    by_kind = {row[1]: row for row in docs[1:]}
    assert by_kind["催款函"][7].date() == date(2026, 4, 22) and by_kind["催款函"][8] == "EMS 9876543210"
    assert by_kind["对账确认函"][4] == "HT-A-001#1、HT-A-400#1" and by_kind["对账确认函"][10] == "财务专用章"
    assert by_kind["对账确认函"][11] == "强" and by_kind["验收单"][11] == "弱（可能被否认）"
    assert AuditEntry.objects.get(action="letters.evidence.exported").data["documents"] == 4


def test_index_sheets_chronology_and_limitation(world, ledger, tmp_path) -> None:
    out = tmp_path / "customer.zip"
    build_evidence(customer=world.cust_a, as_of=AS_OF, out=out)
    index = sheets(out)
    assert list(index) == ["单据清单", "应收明细", "发票清单", "付款承诺", "大事记", "诉讼时效"]
    assert index["发票清单"][1][0] == "26330000000000000001"
    assert index["付款承诺"][1][1:5] == (200, "待兑现", 0, "是")
    events = [(row[0].date(), row[1], row[3]) for row in index["大事记"][1:]]
    assert events == sorted(events, key=lambda e: e[0])
    for expected in [
        (date(2025, 6, 1), "签订合同", 800),
        (date(2026, 1, 5), "签订合同", 1000),
        (date(2026, 2, 1), "第1期预付款到期", 300),
        (date(2026, 2, 1), "开具发票", 300),
        (date(2026, 2, 20), "回款", 100),
        (date(2026, 4, 12), "对账确认函回函", 200),
        (date(2026, 4, 22), "催款函送达", None),
    ]:
        assert expected in events, expected
    assert (date(2026, 4, 1), "付款承诺", 200) in events
    limitation = {(row[0], row[1]): row for row in index["诉讼时效"][1:]}
    first = limitation[("HT-A-001", 1)]
    # The demand of 22 April (delivered) is the latest interruption: 3 years from it.
    assert first[5].date() == date(2026, 4, 22) and first[6] == "催款函送达"
    assert first[7].date() == date(2029, 4, 22) and first[9] == "未届满"
    assert first[10].date() == date(2029, 4, 22)  # art. 189 date of HT-A-001 beside it
    assert limitation[("HT-A-400", 1)][7].date() == date(2029, 4, 12)  # the whole-balance confirmation


def test_a_file_changed_after_recording_is_flagged(world, ledger, tmp_path, settings) -> None:
    doc = Document.objects.get(kind="contract", contract=ledger[0])
    (Path(settings.MEDIA_ROOT) / doc.file.name).write_bytes(b"tampered")
    bundle = build_evidence(customer=world.cust_a, as_of=AS_OF, out=tmp_path / "x.zip")
    assert bundle.mismatched == 1
    row = next(r for r in sheets(tmp_path / "x.zip")["单据清单"] if r[2] == "合同 HT-A-001")
    assert row[-1].startswith("校验和不符")


def test_cells_that_would_run_as_formulas_are_escaped(world, ledger, tmp_path) -> None:
    world.cust_a.name = '=HYPERLINK("http://evil.example","点我")'
    world.cust_a.save()
    Document.objects.create(
        customer=world.cust_a, kind="other", title="+SUM(1,2)", issued_on=date(2026, 5, 1)
    )
    Document.objects.create(
        customer=world.cust_a, kind="other", title="@cmd", delivery_proof="-2+3", issued_on=date(2026, 5, 2)
    )
    out = tmp_path / "inject.zip"
    build_evidence(customer=world.cust_a, as_of=AS_OF, out=out)
    with zipfile.ZipFile(out) as z:
        book = openpyxl.load_workbook(io.BytesIO(z.read("index.xlsx")))
    texts = [
        c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)
    ]
    assert "'+SUM(1,2)" in texts and "'@cmd" in texts and "'-2+3" in texts
    assert not [t for t in texts if t[:1] in "=+-@"]
    assert all(c.data_type != "f" for ws in book.worksheets for row in ws.iter_rows() for c in row)


def test_documents_issued_after_the_date_are_left_out(world, ledger, tmp_path) -> None:
    bundle = build_evidence(customer=world.cust_a, as_of=date(2026, 3, 31), out=tmp_path / "march.zip")
    assert bundle.documents == 3  # both contracts' scans and the acceptance; no letters yet
