"""A progress bar on a terminal (rich) for large files; silent otherwise."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

LARGE = 20_000  # rows; smaller files finish before a bar is worth drawing


class Task:
    def __init__(self, bar: Any, task_id: Any) -> None:
        self.bar, self.task_id = bar, task_id

    def advance(self, n: int) -> None:
        self.bar.update(self.task_id, advance=n)


class Progress:
    """``with Progress() as p: p.stage("校验"); t = p.task("应收款", n); t.advance(k)``."""

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.bar: Any = None
        self._stage: Any = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )
            from rich.progress import Progress as Bar

            self.bar = Bar(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.bar.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.bar is not None:
            self.bar.stop()

    def stage(self, label: str) -> None:
        if self.bar is None:
            return
        if self._stage is not None:
            self.bar.update(self._stage, total=1, completed=1)
        self._stage = self.bar.add_task(label, total=None)

    def task(self, label: str, total: int) -> Task | None:
        if self.bar is None or total < LARGE:
            return None
        return Task(self.bar, self.bar.add_task(f"写入{label}", total=total))
