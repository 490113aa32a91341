"""导入 / Import (finance and admin): upload → preview (a dry run with every error by file, row and
column) → confirm → import, all or nothing. Large files run on the worker with a status page that
htmx polls. The engine is `huikuan.imports.pipeline` via `huikuan.imports.tasks.run_job`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huikuan.accounts.models import Role
from huikuan.imports import tasks
from huikuan.imports.columns.specs import SPECS
from huikuan.web.areas.dashboards.export import xlsx_response
from huikuan.web.areas.imports import forms
from huikuan.web.areas.imports.forms import UploadForm
from huikuan.web.areas.imports.limits import refuse_oversized, too_large_message

RECENT = 20


def _may_import(user: Any) -> None:
    if not (
        getattr(user, "is_superuser", False) or getattr(user, "role", None) in (Role.FINANCE, Role.ADMIN)
    ):
        raise PermissionDenied(_("只有财务和管理员可以导入数据"))


def _is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", None) == Role.ADMIN)


def job_or_404(user: Any, token: str) -> tasks.Job:
    """The user's own import (an admin may open anyone's)."""
    job = tasks.load(token)
    if job is None or (job.user_id != user.pk and not _is_admin(user)):
        raise Http404
    return job


def _job_url(job: tasks.Job) -> str:
    return f"{reverse('imports:job')}?job={job.token}"


def _recent(user: Any) -> list[dict[str, Any]]:
    records = sorted(tasks.folder().glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    found = []
    for record in records[:500]:
        job = tasks.load(record.stem)
        if job is not None and (job.user_id == user.pk or _is_admin(user)):
            spec = SPECS.get(job.kind)
            created = datetime.fromisoformat(job.created)
            found.append({"job": job, "title": spec.title if spec else job.kind, "created": created})
        if len(found) >= RECENT:
            break
    return found


def _enqueue(job: tasks.Job, dry_run: bool, user: Any) -> None:
    job.state, job.background, job.stage = "queued", True, _("排队等待后台处理")
    result = tasks.import_job.enqueue(job.token, dry_run, user.pk)
    job.task_id = str(result.id)
    tasks.save(job)


def _oversized(request: HttpRequest, size: int) -> HttpResponse:
    """An upload above the limit, refused before its body is read."""
    _may_import(request.user)
    messages.error(request, too_large_message(size, forms.MAX_BYTES, str(forms.CLI_HINT)))
    context = {"form": UploadForm(), "recent": _recent(request.user)}
    return render(request, "web/imports/upload.html", context, status=413)


@login_required
@refuse_oversized(lambda: forms.MAX_BYTES, _oversized)
def upload(request: HttpRequest) -> HttpResponse:
    _may_import(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = tasks.create(
            data["file"].chunks(), data["file"].name, data["kind"], data["mapping"], request.user.pk
        )
        if job.size > tasks.LARGE_BYTES:
            _enqueue(job, True, request.user)
        else:
            tasks.run_job(job.token, dry_run=True, actor=request.user)
        return redirect(_job_url(job))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "web/imports/upload.html",
        {"form": form, "recent": _recent(request.user)},
        status=status,
    )


def _failed_in_worker(job: tasks.Job) -> bool:
    """A task the worker could not finish (killed, crashed) leaves the record 'running'."""
    if not (job.running and job.task_id):
        return False
    try:
        outcome = tasks.import_job.get_result(job.task_id)
    except Exception:  # a vanished result is not the page's error
        return False
    return str(outcome.status) == "FAILED"


@login_required
def job_page(request: HttpRequest) -> HttpResponse:
    _may_import(request.user)
    job = job_or_404(request.user, request.GET.get("job", ""))
    if _failed_in_worker(job):
        job.state, job.error = "failed", job.error or _("后台任务失败，未写入任何数据")
        tasks.save(job)
    context = {"job": job, "spec": SPECS.get(job.kind), "result": job.result}
    template = "web/imports/_status.html" if request.htmx else "web/imports/job.html"
    return render(request, template, context)


@login_required
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    _may_import(request.user)
    job = job_or_404(request.user, request.POST.get("job", ""))
    if job.state != "checked" or not job.result.get("ok") or job.result.get("written"):
        messages.error(request, _("该文件还没有通过检查，或已经导入过，不能导入"))
        return redirect(_job_url(job))
    if job.large:
        _enqueue(job, False, request.user)
        messages.info(request, _("文件较大，已转入后台导入，请稍候"))
    else:
        done = tasks.run_job(job.token, dry_run=False, actor=request.user)
        if done.state == "imported":
            messages.success(request, _("导入完成"))
        else:
            messages.error(request, _("导入时发现错误，未写入任何数据"))
    return redirect(_job_url(job))


@login_required
def errors_export(request: HttpRequest) -> HttpResponse:
    """Every error of the last check as Excel: file, row, column, message."""
    _may_import(request.user)
    job = job_or_404(request.user, request.GET.get("job", ""))
    rows: list[list[Any]] = []
    if job.errors_path.exists():
        frame = pl.read_parquet(job.errors_path)
        stored = job.path.name
        rows = [
            [job.filename, row, column or "", (message or "").replace(stored, job.filename)]
            for row, column, message in frame.select("row", "column", "message").iter_rows()
        ]
    headers = [_("文件"), _("行"), _("列"), _("错误")]
    return xlsx_response(f"{_('导入错误')}-{job.filename}", _("导入错误"), headers, rows)
