"""What `huikuan daily` shows on a terminal: a rich progress bar, then a one-screen summary."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from huikuan.analytics.run import Progress as RunProgress
from huikuan.analytics.run import RunOutcome

STAGES = {
    "load": "读取数据 load",
    "evaluate": "逐笔判断 evaluate",
    "summary": "汇总指标 KPIs",
    "write": "写回结果 write",
    "publish": "发布 publish",
    "prune": "清理旧结果 prune",
}


class RichProgress(RunProgress):
    def __init__(self, console: Console) -> None:
        self.bar = Progress(
            TextColumn("{task.description:<22}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.task: Any = None

    def __enter__(self) -> RichProgress:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.task is not None:
            self.bar.update(self.task, completed=self.bar.tasks[self.task].total)
        self.bar.stop()

    def stage(self, name: str, total: int | None = None) -> None:
        if self.task is not None:
            self.bar.update(self.task, completed=self.bar.tasks[self.task].total)
        self.task = self.bar.add_task(STAGES.get(name, name), total=total or 1)

    def advance(self, n: int = 1) -> None:
        if self.task is not None:
            self.bar.advance(self.task, n)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def print_summary(outcome: RunOutcome, console: Console, wall: float) -> None:
    """Totals, aging, KPIs, each salesperson's top of the worklist, warnings: one screen."""
    s, run = outcome.summary, outcome.run
    k = s["kpis"]
    t = s["totals"]
    console.print(
        f"[bold]回款每日运行 daily run[/bold]  {run.as_of}  #{run.pk}  "
        f"{t['receivables_open']} 笔未结清 open · {t['amount_open']} · 逾期 overdue {t['amount_overdue']}  "
        f"({wall:.1f} s)"
    )
    aging = Table(title="账龄 aging", show_edge=False, pad_edge=False)
    for key in s["aging"]:
        aging.add_column(key, justify="right")
    aging.add_row(*s["aging"].values())
    console.print(aging)
    console.print(
        f"回款率 rate {_pct(k['collection_rate_month'])} · DSO {k['dso']} · CEI {_pct(k['cei'])} · ADD {k['add']} · "
        f"承诺兑现 kept {_pct(k['promise_kept_rate'])} · 逾期率 overdue {_pct(k['overdue_ratio'])} · "
        f"本月回款 collected {k['collected_month']}"
    )
    owners = Table(title="销售 salespeople", show_edge=False, pad_edge=False)
    for col in ("销售", "未结清", "逾期", "本月回款", "目标", "回款率", "今日首要 first on the list"):
        owners.add_column(col, justify="left" if col.startswith(("销售", "今日")) else "right")
    first = _first_items(outcome)
    for name, row in list(k["by_owner"].items())[:12]:
        owners.add_row(
            name,
            row["amount_open"],
            row["amount_overdue"],
            row["collected_month"],
            row["target_month"] or "—",
            _pct(row["collection_rate_month"]),
            first.get(name, ""),
        )
    if len(k["by_owner"]) > 12:
        owners.caption = f"… {len(k['by_owner']) - 12} more"
    console.print(owners)
    st = s["statutory_aging"]
    console.print(
        "账龄分析表 statutory: "
        + " · ".join(f"{b['label']} {b['amount']}" for b in st["bands"].values())
        + f" · 坏账准备 provision {st['provision_total']}"
    )
    if run.calendar_note:
        console.print(f"[yellow]{run.calendar_note}[/yellow]")
    for warning in run.warnings:
        console.print(f"[yellow]! {warning}[/yellow]")
    if outcome.promise_changes and any(outcome.promise_changes.values()):
        c = outcome.promise_changes
        console.print(
            f"承诺判定 promises decided: 兑现 kept {c['kept']} · 部分 partly {c['partly_kept']} · 未兑现 broken {c['broken']}"
        )


def _first_items(outcome: RunOutcome) -> dict[str, str]:
    import polars as pl

    from huikuan.core.analytics.summary import usernames

    names = usernames(outcome.portfolio)
    top = outcome.evaluation.results.filter(pl.col("rank") == 1)
    out = {}
    for owner, rid, kind, strategy, on in top.select(
        "owner_id", "id", "action_kind", "strategy", "action_on"
    ).iter_rows():
        out[names.get(owner, str(owner))] = f"#{rid} {kind}/{strategy} {on or ''}"
    return out
