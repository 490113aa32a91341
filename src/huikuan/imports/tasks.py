"""Imports started from the web page: the uploaded file, its job record, and the background task.

The file is kept under MEDIA_ROOT/imports/ with a random name (a URL-safe token); beside it a small
JSON record says what it is (kind, mapping, who uploaded it, its original name) and what has
happened to it: checked (a dry run), imported, failed — with the summary and the first errors. The
full error list goes to ``<token>.errors.parquet`` for the Excel export.

`run_job` checks or imports a file through `pipeline.run_import` (all or nothing). The page calls
it directly for small files; a large one (> 5 MB, or > 50 000 rows once counted) goes to the
worker as the `import_job` task, which writes its stage and row counts into the record so the page
can show progress while the import's transaction is still open.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from huikuan.imports.progress import Progress
from huikuan.imports.report import ACTION_LABELS, ENTITY_LABELS, ImportResult
from huikuan.imports.summary import SKIPPED

LARGE_BYTES = 5 * 1024 * 1024
LARGE_ROWS = 50_000
ERRORS_KEPT = 1000
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".xls")

# state: uploaded → checking → checked → importing → imported; or failed (crash, unreadable mapping)
RUNNING = ("queued", "checking", "importing")


@dataclass
class Job:
    token: str
    kind: str
    mapping: str
    filename: str
    suffix: str
    size: int
    user_id: int | None
    created: str
    state: str = "uploaded"
    stage: str = ""
    done: int = 0
    total: int = 0
    background: bool = False
    task_id: str = ""
    error: str = ""
    result: dict[str, Any] = field(default_factory=dict)
    updated: float = 0.0

    @property
    def path(self) -> Path:
        return folder() / f"{self.token}{self.suffix}"

    @property
    def errors_path(self) -> Path:
        return folder() / f"{self.token}.errors.parquet"

    @property
    def running(self) -> bool:
        return self.state in RUNNING

    @property
    def large(self) -> bool:
        return self.size > LARGE_BYTES or int(self.result.get("rows") or 0) > LARGE_ROWS


def folder() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def save(job: Job) -> None:
    """Write the record atomically (the status page reads it while the worker writes)."""
    job.updated = time.time()
    target = folder() / f"{job.token}.json"
    temporary = target.with_suffix(f".{secrets.token_hex(4)}.tmp")
    temporary.write_text(json.dumps(asdict(job), ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, target)


def load(token: str) -> Job | None:
    if not TOKEN.match(token or ""):
        return None
    try:
        data = json.loads((folder() / f"{token}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Job(**data)


def create(chunks: Iterable[bytes], filename: str, kind: str, mapping: str, user_id: int | None) -> Job:
    """Store an uploaded file under a random name and record it."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        suffix = ".csv"
    token = secrets.token_urlsafe(24)
    job = Job(token, kind, mapping, Path(filename).name[:200], suffix, 0, user_id, timezone.now().isoformat())
    with job.path.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
            job.size += len(chunk)
    save(job)
    return job


class JobProgress(Progress):
    """The pipeline's progress, written into the job record (at most twice a second)."""

    def __init__(self, job: Job) -> None:
        super().__init__(enabled=False)
        self.job = job

    def stage(self, label: str) -> None:
        self.job.stage, self.job.done, self.job.total = label, 0, 0
        save(self.job)

    def task(self, label: str, total: int) -> Any:
        self.job.stage, self.job.done, self.job.total = f"写入{label}", 0, total
        save(self.job)
        return _Counter(self.job)


class _Counter:
    def __init__(self, job: Job) -> None:
        self.job = job

    def advance(self, n: int) -> None:
        self.job.done += n
        if time.time() - self.job.updated > 0.5 or self.job.done >= self.job.total:
            save(self.job)


def summary(job: Job, result: ImportResult) -> dict[str, Any]:
    """What the page shows: counts in Chinese, the first errors with the file's own name."""
    stored = job.path.name

    def named(text: str | None) -> str:
        return (text or "").replace(stored, job.filename)

    errors = [
        {"file": job.filename, "row": e.row, "column": e.column, "message": named(e.message)}
        for e in result.first_errors(ERRORS_KEPT)
    ]
    counts = []
    for key, n in sorted(result.counts.items()):
        entity, _, action = key.partition(".")
        if n and action in ACTION_LABELS:
            counts.append(
                {"entity": ENTITY_LABELS.get(entity, entity), "action": ACTION_LABELS[action], "n": n}
            )
    return {
        "ok": result.ok,
        "dry_run": result.dry_run,
        "written": result.written,
        "rows": result.rows,
        "header_row": result.header_row,
        "encoding": result.encoding,
        "sha256": result.sha256,
        "columns": result.columns,
        "ignored_columns": result.ignored_columns,
        "skipped": {
            SKIPPED.get(reason, reason): len(rows) for reason, rows in result.skipped.items() if rows
        },
        "counts": counts,
        "warnings": [named(w) for w in result.warnings][:100],
        "unmatched": len(result.unmatched),
        "error_count": result.error_frame.height,
        "errors": errors,
        "audit_id": result.audit_id,
        "seconds": result.seconds,
    }


def run_job(token: str, dry_run: bool, actor: Any = None) -> Job:
    """Check (``dry_run``) or import the job's file, all or nothing; the record keeps the outcome."""
    from huikuan.imports.mappings import MappingError
    from huikuan.imports.pipeline import run_import

    job = load(token)
    if job is None:
        raise FileNotFoundError(token)
    job.state, job.error = ("checking" if dry_run else "importing"), ""
    job.errors_path.unlink(missing_ok=True)
    save(job)
    try:
        result = run_import(
            job.path,
            job.kind,
            mapping=job.mapping or None,
            dry_run=dry_run,
            actor=actor,
            progress=JobProgress(job),
        )
    except MappingError as exc:
        job.state, job.error = "failed", str(exc)
        save(job)
        return job
    except Exception as exc:
        job.state, job.error = "failed", f"导入出错，未写入任何数据：{type(exc).__name__}: {exc}"[:2000]
        save(job)
        raise
    job.result = summary(job, result)
    if result.error_frame.height:
        result.error_frame.write_parquet(job.errors_path)
    job.state = "checked" if dry_run or not result.written else "imported"
    job.stage = ""
    save(job)
    return job


@task(queue_name="imports")
def import_job(token: str, dry_run: bool, user_id: int | None = None) -> dict[str, Any]:
    """`run_job` on the worker; returns the record's state and counts."""
    from huikuan.accounts.models import User

    actor = User.objects.filter(pk=user_id).first() if user_id else None
    job = run_job(token, dry_run, actor)
    return {"token": token, "state": job.state, "rows": job.result.get("rows"), "error": job.error}
