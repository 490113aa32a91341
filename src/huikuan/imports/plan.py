"""The plan of an import: what to insert and update, decided before anything is written.

Each kind's module reads the database, checks the rows and fills a ``Plan``; nothing is written
until every row is known to be good, and then the plan is applied in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from django.db import models

from huikuan.imports import sql
from huikuan.imports.report import Problems
from huikuan.imports.rows import ROW


@dataclass
class Plan:
    ops: list[tuple[str, type[models.Model], pl.DataFrame, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    changes: list[dict[str, Any]] = field(default_factory=list)  # before/after of updated rows (audit)
    unmatched: list[dict[str, Any]] = field(default_factory=list)

    def insert(self, model: type[models.Model], frame: pl.DataFrame, label: str = "") -> None:
        if frame.height:
            self.ops.append(("insert", model, frame, label))

    def update(self, model: type[models.Model], frame: pl.DataFrame, label: str = "") -> None:
        if frame.height:
            self.ops.append(("update", model, frame, label))

    def count(self, entity: str, action: str, n: int) -> None:
        key = f"{entity}.{action}"
        self.counts[key] = self.counts.get(key, 0) + int(n)

    @property
    def models(self) -> list[type[models.Model]]:
        out: list[type[models.Model]] = []
        for _op, model, _frame, _label in self.ops:
            if model not in out:
                out.append(model)
        return out

    def apply(self, progress: Any = None) -> None:
        inserted: list[type[models.Model]] = []
        for op, model, frame, label in self.ops:
            if op == "insert":
                sql.insert(model, frame, progress, label)
                if model not in inserted:
                    inserted.append(model)
            else:
                sql.update(model, frame)
        sql.reset_sequences(inserted)


@dataclass
class Context:
    """What a kind's planner needs: the file's labels, the error sink, today, and the options."""

    file: str
    labels: dict[str, str]
    problems: Problems
    today: date
    actor: Any = None
    allow_duplicates: bool = False
    plan: Plan = field(default_factory=Plan)
    warnings: list[str] = field(default_factory=list)
    fallback_labels: dict[str, str] = field(default_factory=dict)
    header_row: int | None = None
    sha256: str = ""  # the file's checksum (bank receipts keep it)

    def label(self, name: str) -> str:
        return self.labels.get(name) or self.fallback_labels.get(name) or name

    def fail(self, frame: pl.DataFrame, when: pl.Expr, name: str, message: pl.Expr | str) -> None:
        """Record ``message`` for the rows of ``frame`` where ``when`` holds, under column ``name``."""
        if frame.height == 0:
            return
        text = pl.lit(message) if isinstance(message, str) else message
        self.problems.add_frame(
            frame.select(row=pl.col(ROW), column=pl.lit(self.label(name)), message=pl.when(when).then(text))
        )

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    @property
    def failed(self) -> bool:
        return bool(self.problems)

    @property
    def actor_id(self) -> int | None:
        return self.actor.pk if getattr(self.actor, "is_authenticated", False) else None
