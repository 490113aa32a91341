"""``run_import``: read → find the header → parse and validate → plan → write all or nothing.

Parsing needs no database and runs before the transaction. The plan (database lookups, identity
and duplicate checks, ids) and the writes run in one transaction: on SQLite the IMMEDIATE
transaction holds the write lock from the first lookup, on PostgreSQL the written tables are
locked against other writers, so what was checked is what gets written. Any error anywhere ⇒
nothing is written. One audit entry per run, with the file's checksum and the counts.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from huikuan.audit.log import log_action
from huikuan.imports import (
    bank,
    contacts,
    customers,
    invoices,
    payments,
    readers,
    receivables,
    rows,
    sql,
    validate,
)
from huikuan.imports.columns import headers
from huikuan.imports.columns.specs import SPECS
from huikuan.imports.mappings import Mapping, MappingError, load_mapping, save_mapping
from huikuan.imports.plan import Context
from huikuan.imports.progress import Progress
from huikuan.imports.report import ImportResult, Problems

PLANNERS: dict[str, Any] = {
    "customers": customers,
    "contacts": contacts,
    "receivables": receivables,
    "invoices": invoices,
    "payments": payments,
    "bank": bank,
}


def resolve_mapping(kind: str, mapping: str | Mapping | None, columns: dict[str, str] | None) -> Mapping:
    """The mapping to use (a name, a Mapping or none) plus ``--column`` overrides, checked."""
    if kind not in SPECS:
        raise MappingError(f"未知的导入类型：{kind}（可用：{', '.join(SPECS)}）")
    found = load_mapping(mapping) if isinstance(mapping, str) else mapping or Mapping(name="")
    if columns:
        found = found.with_columns(columns)
    if found.kind and found.kind != kind:
        raise MappingError(f"列映射 {found.name} 用于 {found.kind} 导入，不能用于 {kind}")
    found.check(SPECS[kind].fields)
    return found


def run_import(
    path: str | Path,
    kind: str,
    *,
    mapping: str | Mapping | None = None,
    columns: dict[str, str] | None = None,
    dry_run: bool = False,
    allow_duplicates: bool = False,
    actor: Any = None,
    today: date | None = None,
    progress: Progress | None = None,
    save_as: str | None = None,
) -> ImportResult:
    """Import one file of ``kind``. Raises MappingError for an unknown mapping; everything wrong
    with the file itself comes back as errors in the result (and nothing is written)."""
    started = time.perf_counter()
    chosen = resolve_mapping(kind, mapping, columns)
    path = Path(path)
    progress = progress or Progress(enabled=False)
    result = ImportResult(file=path.name, kind=kind, dry_run=dry_run, mapping=chosen.name or None)
    problems = Problems()
    try:
        _run(path, kind, chosen, result, problems, progress, dry_run, allow_duplicates, actor, today, save_as)
    except readers.ReadError as exc:
        problems.add(None, None, str(exc))
    result.error_frame = problems.frame(result.header_cells)
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _run(
    path: Path,
    kind: str,
    chosen: Mapping,
    result: ImportResult,
    problems: Problems,
    progress: Progress,
    dry_run: bool,
    allow_duplicates: bool,
    actor: Any,
    today: date | None,
    save_as: str | None,
) -> None:
    spec = SPECS[kind]
    progress.stage("读取文件")
    source = readers.open_source(path)
    result.sha256, result.encoding = source.sha256, source.encoding
    table = headers.lookup_table(spec, chosen.columns)
    readers.choose_delimiter(
        source, lambda preview: max((headers.score(r, table) for r in preview), default=0)
    )
    header = headers.find_header(source.preview(), table)
    if header is None:
        examples = "、".join(c.zh for c in spec.columns if c.required) or spec.columns[0].zh
        problems.add(
            None, None, f"找不到表头：前 {headers.HEADER_SEARCH_ROWS} 行中没有可识别的列名（例如 {examples}）"
        )
        return
    grid = source.load(header)
    layout = headers.map_columns(list(grid.row(0)) if grid.height else [], spec, table)
    result.header_cells = layout.headers
    result.header_row = header + 1
    body = rows.extract(grid, layout, result.header_row, spec, chosen)
    result.columns = {name: label for name, label in body.labels.items() if name in layout.sources}
    result.defaults = {name: value for name, value in chosen.defaults.items() if name not in layout.sources}
    result.ignored_columns = body.ignored
    result.skipped = (
        {"title": list(range(1, result.header_row)), **body.skipped} if header else dict(body.skipped)
    )
    validate.missing_columns(spec, set(body.labels), result.header_row, problems)
    if save_as:
        found = {layout.headers[i[0]]: name for name, i in layout.sources.items() if layout.headers[i[0]]}
        save_mapping(
            save_as,
            Mapping(
                name=save_as,
                kind=kind,
                title=chosen.title,
                columns={**chosen.columns, **found},
                defaults=chosen.defaults,
                fallbacks=chosen.fallbacks,
                transforms=chosen.transforms,
            ),
        )
    if problems:
        return  # a required column is missing: the rows cannot be checked meaningfully
    progress.stage("校验")
    typed = validate.typed_frame(body, spec, chosen, problems)
    result.rows = typed.height
    ctx = Context(
        file=path.name,
        labels=body.labels,
        problems=problems,
        today=today or timezone.localdate(),
        actor=actor,
        allow_duplicates=allow_duplicates,
        fallback_labels={c.field: c.zh for c in spec.columns},
        header_row=result.header_row,
        sha256=result.sha256 or "",
    )
    planner = PLANNERS[kind]
    with transaction.atomic():
        if not dry_run:
            sql.lock(planner.TABLES)
        planner.plan(typed, ctx)
        if not problems and not dry_run:
            progress.stage("写入")
            ctx.plan.apply(progress)
            entry = log_action(f"imports.{kind}.imported", actor=actor, data=_audit(result, ctx))
            result.written, result.audit_id = True, entry.pk
    result.counts = dict(ctx.plan.counts)
    result.warnings = ctx.warnings
    result.unmatched = ctx.plan.unmatched


def _audit(result: ImportResult, ctx: Context) -> dict[str, Any]:
    result.counts = dict(ctx.plan.counts)
    return {
        "file": result.file,
        "sha256": result.sha256,
        "kind": result.kind,
        "rows": result.rows,
        "mapping": result.mapping,
        "header_row": result.header_row,
        "created": result.by_action("created"),
        "updated": result.by_action("updated"),
        "unchanged": result.by_action("unchanged"),
        "counts": result.counts,
        "skipped": {reason: len(rows_) for reason, rows_ in result.skipped.items()},
        "ignored_columns": result.ignored_columns,
        "warnings": ctx.warnings,
        "changes": ctx.plan.changes,
    }
