"""合同 / Contract page: 知己 checklist, documents (upload rules), letters, the evidence bundle,
payment plans previewed to the cent, and splitting a contract into parts that add up exactly."""

from __future__ import annotations

import hashlib
import io
import shutil
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from conftest import World
from factories import PASSWORD
from huikuan.audit.models import AuditEntry
from huikuan.collection.models import Approval, PaymentPlan, Promise
from huikuan.collection.services import documents
from huikuan.collection.services.plans import PlanRequest, preview
from huikuan.ledger.models import Contract, Document, Receivable
from huikuan.ledger.services.allocation import PaymentInput, record_payment

D = Decimal
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    return tmp_path


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def contract_of(customer) -> Contract:
    return Contract.objects.get(customer=customer, parent__isnull=True)


def actions(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


# ---------------------------------------------------------------- page, list, access


def test_contract_page_shows_checklist_gaps_and_milestones(world: World) -> None:
    contract = contract_of(world.cust_a)
    page = client_for("sales_a").get(f"/contracts/{contract.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and page["Content-Type"] == "text/html; charset=utf-8"
    assert "知己清单（A1–A3）" in text
    assert "验收条款不清：验收标准、验收方式" in text  # A2 gap with its parameters, from the core
    assert "付款条款不清：付款方式" in text
    assert "预付款" in text and "验收款" in text and "700.00" in text


def test_contract_without_gaps_says_complete(world: World) -> None:
    contract = contract_of(world.cust_a)
    Contract.objects.filter(pk=contract.pk).update(
        acceptance_standard="技术协议", acceptance_method="现场验收", payment_terms="银行转账"
    )
    text = client_for("sales_a").get(f"/contracts/{contract.pk}/").content.decode()
    assert "验收条款不清" not in text and "✓ 齐全" in text


def test_contract_list_shows_only_what_the_user_may_see(world: World) -> None:
    mine = client_for("sales_a").get("/contracts/").content.decode()
    assert "HT-A-001" in mine and "HT-B-001" not in mine
    team = client_for("mgr_east").get("/contracts/").content.decode()
    assert "HT-A-001" in team and "HT-B-001" in team and "HT-C-001" not in team
    found = client_for("mgr_east").get("/contracts/?q=乙工程", HTTP_HX_REQUEST="true")
    assert "HT-B-001" in found.content.decode() and "HT-A-001" not in found.content.decode()


@pytest.mark.parametrize(
    "method,suffix",
    [("get", ""), ("get", "plan/"), ("get", "split/"), ("post", "documents/"), ("post", "letter/"),
     ("post", "evidence/"), ("post", "plan/preview/"), ("post", "split/")],
)  # fmt: skip
def test_another_salespersons_contract_is_404(world: World, method: str, suffix: str) -> None:
    contract = contract_of(world.cust_b)
    response = getattr(client_for("sales_a"), method)(f"/contracts/{contract.pk}/{suffix}")
    assert response.status_code == 404
    assert world.cust_b.name not in response.content.decode()


def test_a_document_of_another_contract_is_404_through_my_contract(world: World) -> None:
    mine, theirs = contract_of(world.cust_a), contract_of(world.cust_b)
    doc = Document.objects.create(customer=world.cust_b, contract=theirs, kind="demand")
    client = client_for("sales_a")
    assert client.get(f"/contracts/{mine.pk}/documents/{doc.pk}/").status_code == 404
    data = {"on": "2026-05-01", "proof": "EMS1"}
    assert client.post(f"/contracts/{mine.pk}/documents/{doc.pk}/delivered/", data).status_code == 404
    assert Document.objects.get(pk=doc.pk).delivered_on is None


# ---------------------------------------------------------------- upload


def upload(client: Client, contract: Contract, name: str, content: bytes, **fields) -> object:
    data = {"kind": "delivery_receipt", "seal_kind": "company", "file": SimpleUploadedFile(name, content)}
    return client.post(f"/contracts/{contract.pk}/documents/", {**data, **fields})


def test_upload_stores_a_scan_with_checksum_and_audit(world: World, settings) -> None:
    contract = contract_of(world.cust_a)
    first = contract.receivables.order_by("sequence").first()
    response = upload(
        client_for("sales_a"), contract, "签收单.pdf", PDF, receivables=[first.pk], issued_on="2026-02-01"
    )
    assert response.status_code == 302
    doc = Document.objects.get(contract=contract)
    assert (doc.kind, doc.seal_kind, doc.original_filename) == ("delivery_receipt", "company", "签收单.pdf")
    assert doc.sha256 == hashlib.sha256(PDF).hexdigest()
    assert doc.file.name.startswith(f"documents/{world.cust_a.pk}/") and doc.file.name.endswith(".pdf")
    assert "签收单" not in doc.file.name  # the stored name is ours, never the user's
    assert (Path(settings.MEDIA_ROOT) / doc.file.name).read_bytes() == PDF
    assert list(doc.receivables.all()) == [first]
    entry = AuditEntry.objects.get(action="collection.document.uploaded")
    assert (entry.actor, entry.data["sha256"], entry.customer_id) == (
        world.sales_a,
        doc.sha256,
        world.cust_a.pk,
    )
    download = client_for("mgr_east").get(f"/contracts/{contract.pk}/documents/{doc.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert (
        "attachment" in download["Content-Disposition"]
        and "filename*=utf-8''" in download["Content-Disposition"]
    )


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.pdf", "..\\..\\windows\\evil.pdf", "/abs/path/x.pdf", ".hidden.pdf", "a\x00b.pdf"],
)
def test_path_tricks_in_file_names_never_reach_the_stored_name(world: World, settings, name: str) -> None:
    contract = contract_of(world.cust_a)
    doc = documents.upload_document(
        contract, SimpleUploadedFile(name, PDF), documents.DocumentInput(kind="other"), actor=world.sales_a
    )
    stored = Path(settings.MEDIA_ROOT) / doc.file.name
    assert stored.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve() / "documents")
    assert ".." not in doc.file.name and "\\" not in doc.file.name
    assert (
        "/" not in doc.original_filename
        and "\\" not in doc.original_filename
        and "\x00" not in doc.original_filename
    )
    assert not doc.original_filename.startswith(".")


def test_oversized_file_is_refused_in_chinese(world: World, monkeypatch) -> None:
    monkeypatch.setattr(documents, "MAX_BYTES", 1024)
    contract = contract_of(world.cust_a)
    response = upload(client_for("sales_a"), contract, "big.pdf", PDF + b"0" * 2048)
    assert response.status_code == 400
    assert "文件过大：最大" in response.content.decode()
    assert (
        not Document.objects.exists() and not AuditEntry.objects.filter(action__contains="document").exists()
    )


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("run.exe", b"MZ\x90\x00", "不支持的文件类型"),
        ("page.html", b"<html></html>", "不支持的文件类型"),
        ("noextension", PDF, "不支持的文件类型"),
        ("fake.pdf", b"<script>alert(1)</script>", "文件内容与扩展名 .pdf 不符"),
        ("photo.jpg", PNG, "文件内容与扩展名 .jpg 不符"),
        ("sheet.xlsx", b"PK\x03\x04not really a zip", "文件内容与扩展名 .xlsx 不符"),
        ("empty.pdf", b"", "文件"),
    ],
)
def test_disallowed_types_are_refused(
    world: World, settings, name: str, content: bytes, message: str
) -> None:
    contract = contract_of(world.cust_a)
    response = upload(client_for("sales_a"), contract, name, content)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Document.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def test_office_and_image_files_are_accepted(world: World) -> None:
    from docx import Document as Word

    buffer = io.BytesIO()
    Word().save(buffer)
    contract = contract_of(world.cust_a)
    client = client_for("sales_a")
    assert (
        upload(client, contract, "验收单.docx", buffer.getvalue(), kind="acceptance_certificate").status_code
        == 302
    )
    assert upload(client, contract, "scan.PNG", PNG).status_code == 302
    assert sorted(Document.objects.values_list("original_filename", flat=True)) == ["scan.PNG", "验收单.docx"]


# ---------------------------------------------------------------- letters: delivered, returned, generated


def test_mark_a_letter_delivered_and_returned_stamped(world: World) -> None:
    contract = contract_of(world.cust_a)
    doc = Document.objects.create(
        customer=world.cust_a, contract=contract, kind="balance_confirmation", issued_on=date(2026, 3, 1)
    )
    client = client_for("sales_a")
    base = f"/contracts/{contract.pk}/documents/{doc.pk}"
    assert client.post(f"{base}/delivered/", {"on": "2026-03-03", "proof": ""}).status_code == 302
    assert Document.objects.get(pk=doc.pk).delivered_on is None  # proof is required
    client.post(f"{base}/delivered/", {"on": "2026-03-03", "proof": "EMS 1234"})
    client.post(
        f"{base}/returned/", {"on": "2026-03-10", "seal_kind": "finance", "confirmed_amount": "1000.00"}
    )
    doc.refresh_from_db()
    assert (doc.delivered_on, doc.delivery_proof) == (date(2026, 3, 3), "EMS 1234")
    assert (doc.returned_on, doc.seal_kind, doc.confirmed_amount) == (
        date(2026, 3, 10),
        "finance",
        D("1000.00"),
    )
    assert actions("letters.document.delivered") == 1 and actions("letters.document.returned") == 1
    page = client.get(f"/contracts/{contract.pk}/").content.decode()
    assert "财务专用章" in page and 'class="seal strong"' in page


def test_a_return_before_the_letter_was_issued_is_refused(world: World) -> None:
    contract = contract_of(world.cust_a)
    doc = Document.objects.create(
        customer=world.cust_a, contract=contract, kind="demand", issued_on=date(2026, 3, 1)
    )
    client = client_for("sales_a")
    response = client.post(
        f"/contracts/{contract.pk}/documents/{doc.pk}/returned/", {"on": "2026-02-01", "seal_kind": "company"},
        follow=True,
    )  # fmt: skip
    assert "早于出具日期" in response.content.decode()
    assert Document.objects.get(pk=doc.pk).returned_on is None


def test_dunning_letter_downloads_as_docx_with_a_safe_name(world: World) -> None:
    contract = contract_of(world.cust_a)
    response = client_for("sales_a").post(
        f"/contracts/{contract.pk}/letter/", {"kind": "dunning", "format": "docx"}
    )
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition
    assert "/" not in disposition.split("filename", 1)[1]
    assert response.content[:2] == b"PK"
    assert Document.objects.get(contract=contract).kind == "demand"
    assert actions("letters.letter.generated") == 1


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) not installed")
def test_a_lawyer_letter_downloads_as_pdf(world: World) -> None:
    contract = contract_of(world.cust_a)
    response = client_for("mgr_east").post(
        f"/contracts/{contract.pk}/letter/", {"kind": "lawyer", "format": "pdf"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content[:5] == b"%PDF-" and ".pdf" in response["Content-Disposition"]
    assert Document.objects.get(contract=contract).kind == "lawyer_letter"


def test_plan_letter_needs_a_plan_first(world: World) -> None:
    contract = contract_of(world.cust_a)
    response = client_for("sales_a").post(
        f"/contracts/{contract.pk}/letter/", {"kind": "plan", "format": "docx"}, follow=True
    )
    assert "请先制定回款方案" in response.content.decode()
    assert not Document.objects.exists()


def test_evidence_bundle_is_a_zip_and_audited(world: World) -> None:
    contract = contract_of(world.cust_a)
    upload(client_for("sales_a"), contract, "签收单.pdf", PDF)
    response = client_for("sales_a").post(f"/contracts/{contract.pk}/evidence/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = bundle.namelist()
    assert "index.xlsx" in names and any(n.startswith("单据/") for n in names)
    assert actions("letters.evidence.exported") == 1


# ---------------------------------------------------------------- payment plan (E4)


def plan_data(contract: Contract, **changes) -> dict:
    data = {
        "receivables": [r.pk for r in contract.receivables.all()],
        "total": "1000.00",
        "first_on": (timezone.localdate() + timedelta(days=1)).isoformat(),
        "count": "3",
        "every": "month",
        "notes": "客户资金紧张",
    }
    return {**data, **changes}


def test_plan_preview_adds_up_to_the_cent(world: World) -> None:
    contract = contract_of(world.cust_a)
    response = client_for("sales_a").post(
        f"/contracts/{contract.pk}/plan/preview/", plan_data(contract), HTTP_HX_REQUEST="true"
    )
    text = response.content.decode()
    assert response.status_code == 200 and "<html" not in text
    assert text.count('class="num">333.34</td>') == 1 and text.count('class="num">333.33</td>') == 2
    assert 'id="plan-sum"><b>1,000.00</b>' in text
    assert "除不尽的 1 分计入第 1 期" in text
    assert not PaymentPlan.objects.exists()


@pytest.mark.parametrize(
    "total,count", [("1000.00", 3), ("0.05", 5), ("999.99", 7), ("1000.00", 60), ("0.10", 1)]
)
def test_plan_instalments_always_sum_to_the_total(world: World, total: str, count: int) -> None:
    contract = contract_of(world.cust_a)
    req = PlanRequest(
        [r.pk for r in contract.receivables.all()],
        D(total),
        timezone.localdate() + timedelta(days=3),
        count=count,
    )
    shown = preview(contract, req, timezone.localdate())
    assert sum(i.amount for i in shown.plan.instalments) == D(total) == shown.sum
    assert len(shown.plan.instalments) == count and all(i.amount > 0 for i in shown.plan.instalments)


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"total": "1000.01"}, "超过所选款项未收合计"),
        ({"first_on": "2020-01-01"}, "首期付款日期不能早于今天"),
        ({"count": "", "amount": ""}, "请填写期数或每期金额"),
        ({"count": "", "amount": "0.001"}, "不超过 2 位"),
        ({"total": "0.02", "count": "3"}, "期数过多"),
    ],
)
def test_plan_errors_are_explained_in_chinese(world: World, changes: dict, message: str) -> None:
    contract = contract_of(world.cust_a)
    text = client_for("sales_a").post(
        f"/contracts/{contract.pk}/plan/preview/", plan_data(contract, **changes)
    )
    assert message in text.content.decode()


def test_saving_a_plan_creates_promises_and_an_approval(world: World) -> None:
    contract = contract_of(world.cust_a)
    response = client_for("sales_a").post(f"/contracts/{contract.pk}/plan/", plan_data(contract))
    assert response.status_code == 302
    plan = PaymentPlan.objects.get()
    assert (plan.status, plan.total, plan.created_by, plan.contract) == (
        "pending",
        D("1000.00"),
        world.sales_a,
        contract,
    )
    promises = list(Promise.objects.filter(plan=plan).order_by("sequence"))
    assert [p.amount for p in promises] == [D("333.34"), D("333.33"), D("333.33")]
    assert sum(p.amount for p in promises) == plan.total
    assert all(set(p.receivables.all()) == set(contract.receivables.all()) for p in promises)
    approval = Approval.objects.get()
    assert (approval.kind, approval.status, approval.subject_id, approval.requested_by) == (
        "payment_plan", "pending", plan.pk, world.sales_a,
    )  # fmt: skip
    assert actions("collection.payment_plan.created") == 1


def test_a_plan_cannot_cover_a_settled_milestone(world: World) -> None:
    contract = contract_of(world.cust_a)
    record_payment(PaymentInput(world.cust_a, date(2026, 2, 1), D("300.00")), actor=world.finance)
    settled = contract.receivables.get(sequence=1)
    text = (
        client_for("sales_a")
        .post(f"/contracts/{contract.pk}/plan/preview/", plan_data(contract))
        .content.decode()
    )
    assert "选择一个有效的选项" in text and "不在可用的选项中" in text
    ok = plan_data(
        contract, receivables=[r.pk for r in contract.receivables.exclude(pk=settled.pk)], total="700.00"
    )
    assert (
        "700.00" in client_for("sales_a").post(f"/contracts/{contract.pk}/plan/preview/", ok).content.decode()
    )


# ---------------------------------------------------------------- split (E2)


def test_split_in_two_moves_and_cuts_milestones_exactly(world: World) -> None:
    contract = contract_of(world.cust_a)
    original = {r.pk: r.amount for r in contract.receivables.all()}
    response = client_for("sales_a").post(f"/contracts/{contract.pk}/split/", {"count": "2"})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == "split"
    parts = list(Contract.objects.filter(parent=contract).order_by("number"))
    assert [(c.number, c.amount) for c in parts] == [("HT-A-001-1", D("500.00")), ("HT-A-001-2", D("500.00"))]
    assert sum(c.amount for c in parts) == contract.amount
    live = Receivable.objects.filter(contract__in=parts, is_void=False)
    assert sum(r.amount for r in live) == sum(original.values())
    for part in parts:
        assert sum(r.amount for r in part.receivables.filter(is_void=False)) == part.amount
    advance = Receivable.objects.get(pk=min(original))
    assert advance.contract == parts[0] and not advance.is_void  # 300 fits whole in the first part
    cut = Receivable.objects.get(pk=max(original))
    assert cut.is_void and sorted(r.amount for r in cut.split_parts.all()) == [D("200.00"), D("500.00")]
    entry = AuditEntry.objects.get(action="collection.contract.split")
    assert entry.actor == world.sales_a and len(entry.data["parts"]) == 2
    page = client_for("sales_a").get(f"/contracts/{parts[1].pk}/").content.decode()
    assert "拆分自" in page and "HT-A-001" in page


def test_split_by_amounts_must_add_up(world: World) -> None:
    contract = contract_of(world.cust_a)
    client = client_for("sales_a")
    response = client.post(f"/contracts/{contract.pk}/split/", {"amounts": "300\n600"})
    assert (
        response.status_code == 400 and "与合同金额 1,000.00 不符（相差 100.00）" in response.content.decode()
    )
    assert client.post(f"/contracts/{contract.pk}/split/", {"amounts": "300\n700"}).status_code == 302
    parts = Contract.objects.filter(parent=contract).order_by("number")
    assert [c.amount for c in parts] == [D("300.00"), D("700.00")]
    assert not Receivable.objects.filter(is_void=True).exists()  # boundaries fell between milestones


def test_a_paid_milestone_is_never_cut(world: World) -> None:
    contract = contract_of(world.cust_a)
    record_payment(PaymentInput(world.cust_a, date(2026, 5, 1), D("1000.00")), actor=world.finance)
    response = client_for("sales_a").post(f"/contracts/{contract.pk}/split/", {"count": "2"})
    assert response.status_code == 400 and "已有回款或调整，不能拆开" in response.content.decode()
    assert Contract.objects.get(pk=contract.pk).status == "active" and not Contract.objects.filter(
        parent=contract
    )


def test_split_preview_shows_parts_without_saving(world: World) -> None:
    contract = contract_of(world.cust_a)
    text = (
        client_for("sales_a")
        .post(f"/contracts/{contract.pk}/split/preview/", {"count": "3"})
        .content.decode()
    )
    assert "HT-A-001-1 · 333.34" in text and "HT-A-001-3 · 333.33" in text
    assert Contract.objects.count() == 3
