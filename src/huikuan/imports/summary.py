"""The one-screen summary printed after an import (and the error list of a dry run)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from huikuan.imports.columns.specs import SPECS
from huikuan.imports.report import ACTION_LABELS, ENTITY_LABELS, ImportResult

ERRORS_SHOWN = 50
UNMATCHED_SHOWN = 10
REASONS = {
    "no_match": "找不到对应客户",
    "ambiguous": "对应多个客户",
    "weak": "只有简称、集团、摘要或金额线索",
}
SKIPPED = {
    "title": "表头上方的标题行",
    "blank": "空行",
    "total": "合计行",
    "header": "重复的表头行",
    "footer": "表尾说明行",
}


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def _rows(numbers: list[int]) -> str:
    shown = "、".join(str(n) for n in numbers[:8])
    return shown + (" …" if len(numbers) > 8 else "")


def render(result: ImportResult, console: Console) -> None:
    spec = SPECS[result.kind]
    state = "预演（未写入）" if result.dry_run else ("已写入" if result.written else "未写入")
    console.print(f"[bold]导入{spec.title}[/bold] {result.file} — {state}", highlight=False)
    facts = [
        f"编码 {result.encoding}" if result.encoding else "",
        f"列映射 {result.mapping}" if result.mapping else "",
    ]
    if result.header_row:
        facts.append(f"表头在第 {result.header_row} 行")
    facts.append(f"数据 {result.rows:,} 行")
    console.print("  " + "，".join(f for f in facts if f), highlight=False)
    if result.sha256:
        console.print(f"  sha256 {result.sha256}", highlight=False)
    for reason, rows in result.skipped.items():
        if rows:
            console.print(
                f"  跳过{SKIPPED.get(reason, reason)} {len(rows)} 行（第 {_rows(rows)} 行）", highlight=False
            )
    if result.columns:
        pairs = "，".join(f"{header}→{name}" for name, header in result.columns.items())
        console.print(f"  识别的列：{pairs}", highlight=False)
    if result.defaults:
        pairs = "，".join(f"{name}={value}" for name, value in result.defaults.items())
        console.print(f"  映射默认值：{pairs}", highlight=False)
    if result.ignored_columns:
        console.print(f"  [yellow]忽略的列[/yellow]：{'，'.join(result.ignored_columns)}", highlight=False)
    _counts(result, console)
    for warning in result.warnings:
        console.print(f"  [yellow]提示[/yellow]：{warning}", highlight=False)
    _unmatched(result, console)
    _errors(result, console)
    console.print(f"  用时 {result.seconds:.1f} 秒", highlight=False)


def _counts(result: ImportResult, console: Console) -> None:
    entities = [e for e in ENTITY_LABELS if any(result.count(e, a) for a in ACTION_LABELS)]
    if entities:
        verb = "将" if result.dry_run or not result.written else ""
        table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2))
        table.add_column("")
        for action in ACTION_LABELS.values():
            table.add_column(f"{verb}{action}" if action != "未变" else action, justify="right")
        for entity in entities:
            table.add_row(ENTITY_LABELS[entity], *(f"{result.count(entity, a):,}" for a in ACTION_LABELS))
        console.print(table)
    if result.count("debits", "skipped"):
        console.print(
            f"  支出（借方）记录 {result.count('debits', 'skipped'):,} 行：不是回款，已忽略", highlight=False
        )
    if result.count("credit", "cents"):
        console.print(
            f"  未能分配到应收款的金额 {_money(result.count('credit', 'cents'))}：留作客户预收余额",
            highlight=False,
        )


def _unmatched(result: ImportResult, console: Console) -> None:
    n = result.count("receipts", "unmatched")
    if not n:
        return
    total = _money(result.count("receipts", "unmatched_cents"))
    console.print(
        f"  [yellow]未匹配的到账 {n:,} 笔，合计 {total}[/yellow]：无法唯一确定客户，未登记回款，留待认领（款项认领）",
        highlight=False,
    )
    for item in result.unmatched[:UNMATCHED_SHOWN]:
        reason = REASONS.get(item["reason"], item["reason"])
        console.print(
            f"    第{item['row']}行 {item['date']} {item['amount']} {item['counterparty'] or ''} "
            f"{item['account'] or ''}（{reason}）",
            highlight=False,
        )
    if n > UNMATCHED_SHOWN:
        console.print(f"    … 另有 {n - UNMATCHED_SHOWN} 笔", highlight=False)


def _errors(result: ImportResult, console: Console, limit: int = ERRORS_SHOWN) -> None:
    total = result.error_frame.height
    if not total:
        return
    console.print(f"  [red]发现 {total:,} 处错误，未写入任何数据[/red]：", highlight=False)
    for problem in result.first_errors(limit):
        console.print(f"    {problem}", highlight=False, markup=False)
    if total > limit:
        console.print(f"    … 另有 {total - limit:,} 处错误", highlight=False)
