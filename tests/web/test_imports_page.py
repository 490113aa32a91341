"""导入: upload → preview (dry run, row-level errors in Chinese) → confirm; all or nothing; large files
on the worker with a status page; finance and admin only."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from conftest import World
from factories import PASSWORD, make_user
from huikuan.accounts.models import Role
from huikuan.audit.models import AuditEntry
from huikuan.imports import tasks
from huikuan.ledger.models import Customer

GOOD = "客户名称,客户编码,扎账日\n厦门己科技有限公司,XM01,25\n福州庚贸易有限公司,FZ02,月末\n"
BAD = "客户名称,客户编码,扎账日\n厦门己科技有限公司,XM01,25\n,FZ02,月末\n福州辛有限公司,FZ03,40\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def upload(client: Client, text: str, name: str = "客户清单.csv", kind: str = "customers", mapping: str = ""):
    file = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post("/imports/", {"file": file, "kind": kind, "mapping": mapping})


def job_of(response) -> tasks.Job:
    token = response["Location"].split("job=")[1]
    job = tasks.load(token)
    assert job is not None
    return job


@pytest.mark.parametrize("persona", ["sales_a", "mgr_east"])
def test_only_finance_and_admin_import(world: World, persona: str) -> None:
    client = client_for(persona)
    assert client.get("/imports/").status_code == 403
    assert upload(client, GOOD).status_code == 403
    assert not Customer.objects.filter(code="XM01").exists()


def test_preview_writes_nothing_then_confirm_imports(world: World, media: Path) -> None:
    client = client_for("finance")
    response = upload(client, GOOD)
    assert response.status_code == 302
    job = job_of(response)
    assert job.state == "checked" and job.result["ok"] and not job.result["written"]
    assert job.path.parent == media / "imports" and job.path.name.startswith(job.token)
    assert "客户清单" not in job.path.name  # stored under a random name
    assert not Customer.objects.filter(code__in=["XM01", "FZ02"]).exists()
    page = client.get(f"/imports/job/?job={job.token}").content.decode()
    assert "客户清单.csv" in page and "确认后将写入" in page and "确认导入" in page
    done = client.post("/imports/confirm/", {"job": job.token}, follow=True)
    assert "导入完成" in done.content.decode()
    assert set(Customer.objects.filter(code__in=["XM01", "FZ02"]).values_list("name", flat=True)) == {
        "厦门己科技有限公司",
        "福州庚贸易有限公司",
    }
    entry = AuditEntry.objects.get(action="imports.customers.imported")
    assert entry.actor == world.finance
    assert tasks.load(job.token).state == "imported"
    again = client.post("/imports/confirm/", {"job": job.token}, follow=True)
    assert "不能导入" in again.content.decode()


def test_errors_name_file_row_and_column_in_chinese_and_nothing_is_written(world: World) -> None:
    client = client_for("finance")
    job = job_of(upload(client, BAD))
    assert not job.result["ok"]
    errors = {(e["file"], e["row"], e["column"]) for e in job.result["errors"]}
    assert ("客户清单.csv", 3, "客户名称") in errors
    assert ("客户清单.csv", 4, "扎账日") in errors
    page = client.get(f"/imports/job/?job={job.token}").content.decode()
    assert "未写入任何数据" in page and "确认导入" not in page
    refused = client.post("/imports/confirm/", {"job": job.token}, follow=True)
    assert "不能导入" in refused.content.decode()
    assert not Customer.objects.filter(code__in=["XM01", "FZ02", "FZ03"]).exists()  # all or nothing


def test_errors_export_to_excel(world: World) -> None:
    client = client_for("finance")
    job = job_of(upload(client, BAD))
    response = client.get(f"/imports/errors/?job={job.token}")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("文件", "行", "列", "错误")
    assert {(r[0], r[1], r[2]) for r in rows[1:]} >= {
        ("客户清单.csv", 3, "客户名称"),
        ("客户清单.csv", 4, "扎账日"),
    }


@pytest.mark.parametrize(
    ("name", "kind", "mapping", "message"),
    [
        ("客户.pdf", "customers", "", "只支持 CSV"),
        ("客户.csv", "", "", "请选择导入类型"),
        ("客户.csv", "customers", "icbc", "不能用于 customers"),
    ],
)
def test_upload_form_errors_are_chinese(
    world: World, name: str, kind: str, mapping: str, message: str
) -> None:
    response = upload(client_for("finance"), GOOD, name=name, kind=kind, mapping=mapping)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_job_is_its_uploaders(world: World) -> None:
    make_user("finance2", Role.FINANCE)
    job = job_of(upload(client_for("finance"), GOOD))
    other = client_for("finance2")
    assert other.get(f"/imports/job/?job={job.token}").status_code == 404
    assert other.post("/imports/confirm/", {"job": job.token}).status_code == 404
    assert other.get(f"/imports/errors/?job={job.token}").status_code == 404
    assert client_for("admin").get(f"/imports/job/?job={job.token}").status_code == 200
    assert client_for("finance").get("/imports/job/?job=../../etc/passwd").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_large_file_runs_on_the_worker_with_a_polled_status(world: World, monkeypatch) -> None:
    from huikuan.ops import run_worker

    monkeypatch.setattr(tasks, "LARGE_BYTES", 10)
    client = client_for("finance")
    job = job_of(upload(client, GOOD))
    assert (job.state, job.background) == ("queued", True)
    waiting = client.get(f"/imports/job/?job={job.token}", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in waiting and "<html" not in waiting
    run_worker(batch=True)
    checked = client.get(f"/imports/job/?job={job.token}", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in checked and "确认导入" in checked
    client.post("/imports/confirm/", {"job": job.token})
    assert tasks.load(job.token).state == "queued"
    assert not Customer.objects.filter(code="XM01").exists()
    run_worker(batch=True)
    assert tasks.load(job.token).state == "imported"
    assert Customer.objects.filter(code__in=["XM01", "FZ02"]).count() == 2
