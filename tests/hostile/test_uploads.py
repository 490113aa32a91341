"""Uploads: the web import page and the contract page's document upload.

Oversized bodies are refused from their declared length, before a byte of them is read (the body
stream below counts what is read); file names with path tricks become plain base names kept only
as data; hostile file contents get a Chinese error naming file, row and column on the preview; a
refused upload leaves every table as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import World
from factories import PASSWORD
from hostile.conftest import CORPUS
from hostile.dbdump import assert_unchanged, dump
from hostile.large import MB, write_large_csv
from huikuan.imports import tasks
from huikuan.ledger.models import Contract, Document
from huikuan.web.areas.imports import forms as import_forms

BOUNDARY = "hostileboundary"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PATH_TRICKS = [
    "../../etc/passwd.csv",
    "/etc/passwd.csv",
    "C:\\Windows\\System32\\drivers\\etc\\hosts.csv",
    "..\\..\\boot.ini.csv",
    "a\x00b.csv",
    "CON.csv",
    "nul.csv",
    "x" * 300 + ".csv",
    "\u202egsc.exe.csv",  # right-to-left override
    "ｆｕｌｌ／ｗｉｄｔｈ.csv",
    "<script>alert(1)</script>.csv",
    "....csv",
]


class CountingBody:
    """A wsgi.input that serves a multipart body lazily from a file and counts what is read."""

    def __init__(self, path: Path, field_name: str, file_name: str) -> None:
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field_name}"; filename="{file_name}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.size = len(self.head) + path.stat().st_size + len(self.tail)
        self.handle = path.open("rb")
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size if size >= 0 else None)
        self.read_bytes += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self.handle.readline(size)
        self.read_bytes += len(data)
        return data


def client_for(username: str, **options: object) -> Client:
    client = Client(**options)
    assert client.login(username=username, password=PASSWORD)
    return client


def post_stream(client: Client, url: str, body: CountingBody) -> object:
    return client.post(
        url,
        b"-",
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        **{"wsgi.input": body, "CONTENT_LENGTH": str(body.size)},
    )


@pytest.fixture(scope="session")
def large_csv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("large") / "应收-100MB.csv"
    write_large_csv(path)
    yield path
    path.unlink(missing_ok=True)


def stored_files() -> list[Path]:
    media = Path(settings.MEDIA_ROOT)
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.mark.large
def test_web_import_refuses_a_100_mb_upload_before_reading_it(world: World, large_csv: Path) -> None:
    client = client_for("finance", enforce_csrf_checks=True)
    before = dump()
    body = CountingBody(large_csv, "file", large_csv.name)
    assert body.size > 100 * MB
    response = post_stream(client, "/imports/", body)
    assert response.status_code == 413
    page = response.content.decode()
    assert "文件过大：最大 50 MB，本次上传 100.6 MB" in page
    assert "更大的文件请用命令行导入：huikuan import 文件 --kind 类型" in page
    assert body.read_bytes == 0  # not a byte of the body was read, let alone held in memory
    assert stored_files() == []
    assert_unchanged(before, dump())


def test_web_import_limit_is_also_checked_on_the_file_itself(world: World, monkeypatch) -> None:
    # A body within the declared limit whose file is still too large (limit lowered for the test).
    monkeypatch.setattr(import_forms, "MAX_BYTES", 1000)
    client = client_for("finance")
    before = dump()
    file = SimpleUploadedFile(
        "客户.csv", b"\xe5\xae\xa2\xe6\x88\xb7\xe5\x90\x8d\xe7\xa7\xb0\n" + b"a\n" * 1500
    )
    response = client.post("/imports/", {"file": file, "kind": "customers"})
    assert response.status_code == 400
    assert "文件过大：最大 0 MB" in response.content.decode()
    assert_unchanged(before, dump())


def test_a_salesperson_gets_403_not_the_size_message(world: World, large_csv: Path) -> None:
    body = CountingBody(large_csv, "file", large_csv.name)
    response = post_stream(client_for("sales_a"), "/imports/", body)
    assert response.status_code == 403 and body.read_bytes == 0


def test_csrf_still_guards_the_import_upload(world: World) -> None:
    client = client_for("finance", enforce_csrf_checks=True)
    file = SimpleUploadedFile("客户.csv", "客户名称\n厦门己科技有限公司\n".encode())
    assert client.post("/imports/", {"file": file, "kind": "customers"}).status_code == 403
    token = client.get("/imports/").context["csrf_token"]
    file.seek(0)
    response = client.post(
        "/imports/", {"file": file, "kind": "customers", "csrfmiddlewaretoken": str(token)}
    )
    assert response.status_code == 302


def test_contract_page_refuses_an_oversized_scan_before_reading_it(world: World, tmp_path: Path) -> None:
    big = tmp_path / "scan.pdf"
    with big.open("wb") as out:
        out.write(PDF)
        out.truncate(21 * MB)  # sparse: 21 MB on paper, nothing on disk
    contract = Contract.objects.get(number="HT-A-001")
    client = client_for("sales_a", enforce_csrf_checks=True)
    client.get(f"/contracts/{contract.pk}/")  # the page as the user sees it first (settings row made)
    before = dump()
    body = CountingBody(big, "file", "scan.pdf")
    response = post_stream(client, f"/contracts/{contract.pk}/documents/", body)
    assert response.status_code == 413
    assert "文件过大：最大 20 MB，本次上传 21.0 MB" in response.content.decode()
    assert body.read_bytes == 0
    assert_unchanged(before, dump())
    # Someone else's contract is a 404 even when the body is too large.
    other = Contract.objects.get(number="HT-C-001")
    body = CountingBody(big, "file", "scan.pdf")
    assert post_stream(client_for("sales_a"), f"/contracts/{other.pk}/documents/", body).status_code == 404


@pytest.mark.parametrize("name", PATH_TRICKS)
def test_import_file_name_tricks_stay_data(world: World, name: str) -> None:
    client = client_for("finance")
    file = SimpleUploadedFile(name, "客户名称,客户编码\n厦门己科技有限公司,XM01\n".encode())
    response = client.post("/imports/", {"file": file, "kind": "customers"})
    if response.status_code != 302:  # a name with nothing left, or not ending in .csv, is refused
        assert response.status_code == 400
        assert "只支持 CSV" in response.content.decode() or "请选择要导入的文件" in response.content.decode()
        return
    job = tasks.load(response["Location"].split("job=")[1])
    assert job is not None
    imports = (Path(settings.MEDIA_ROOT) / "imports").resolve()
    assert job.path.resolve().parent == imports and job.path.name == f"{job.token}.csv"
    assert [p.parent.resolve() for p in stored_files()] == [imports] * len(stored_files())
    for bad in ("/", "\\", "\x00", "\u202e"):
        assert bad not in job.filename
    assert len(job.filename) <= 200
    page = client.get(f"/imports/job/?job={job.token}").content.decode()
    assert "<script>alert(1)</script>" not in page


@pytest.mark.parametrize("name", [n.replace(".csv", ".pdf") for n in PATH_TRICKS])
def test_document_file_name_tricks_stay_data(world: World, name: str) -> None:
    contract = Contract.objects.get(number="HT-A-001")
    data = {"kind": "delivery_receipt", "seal_kind": "company", "file": SimpleUploadedFile(name, PDF)}
    response = client_for("sales_a").post(f"/contracts/{contract.pk}/documents/", data)
    documents_dir = (Path(settings.MEDIA_ROOT) / "documents").resolve()
    for path in stored_files():
        assert path.resolve().is_relative_to(documents_dir)
    if response.status_code != 302:
        assert response.status_code == 400 and not Document.objects.exists()
        return
    doc = Document.objects.get()
    assert doc.file.name.startswith(f"documents/{contract.customer_id}/") and doc.file.name.endswith(".pdf")
    for bad in ("/", "\\", "\x00", "\u202e", ".."):
        assert bad not in doc.original_filename
    assert len(doc.original_filename) <= 120 and not doc.original_filename.startswith(".")
    page = client_for("sales_a").get(f"/contracts/{contract.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page


@pytest.mark.parametrize(
    "name",
    [
        "receivables_amounts.csv",
        "receivables_truncated.xlsx",
        "receivables_utf16_truncated.csv",
        "bank_bad.csv",
    ],
)
def test_web_preview_of_a_corpus_file_names_row_and_column_and_writes_nothing(
    world: World, name: str
) -> None:
    client = client_for("finance")
    kind = name.split("_")[0]
    before = dump()
    file = SimpleUploadedFile(name, (CORPUS / name).read_bytes())
    response = client.post("/imports/", {"file": file, "kind": kind})
    assert response.status_code == 302
    job = tasks.load(response["Location"].split("job=")[1])
    assert job is not None and job.state == "checked" and not job.result["ok"]
    first = job.result["errors"][0]
    assert first["file"] == name
    page = client.get(f"/imports/job/?job={job.token}").content.decode()
    assert "未写入任何数据" in page and "确认导入" not in page
    assert str(settings.MEDIA_ROOT) not in page and job.token not in first["message"]
    refused = client.post("/imports/confirm/", {"job": job.token}, follow=True)
    assert "不能导入" in refused.content.decode()
    assert_unchanged(before, dump())
