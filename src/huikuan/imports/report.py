"""What an import found and did: errors as records (file, row, column, Chinese message) and counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

ERROR_SCHEMA = {"row": pl.Int64, "column": pl.String, "message": pl.String}

ENTITY_LABELS = {
    "customers": "客户",
    "groups": "集团",
    "aliases": "客户别名",
    "bank_accounts": "客户银行账户",
    "contacts": "联系人",
    "contracts": "合同",
    "receivables": "应收款",
    "opening_payments": "期初已收回款",
    "invoices": "发票",
    "invoice_links": "发票关联应收",
    "payments": "回款",
    "receipts": "银行到账",
    "allocations": "核销分配",
}
ACTION_LABELS = {"created": "新增", "updated": "更新", "unchanged": "未变"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the file. ``row`` is the row number as Excel shows it (1-based)."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" 第{self.row}行"
        if self.column:
            where += f"【{self.column}】"
        return f"{where}：{self.message}"


class Problems:
    """Errors collected as frames (a million bad rows stay cheap) and read back as records."""

    def __init__(self) -> None:
        self._frames: list[pl.DataFrame] = []

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self._frames.append(
            pl.DataFrame({"row": [row], "column": [column], "message": [message]}, schema=ERROR_SCHEMA)
        )

    def add_frame(self, frame: pl.DataFrame) -> None:
        """``frame`` has row, column, message; rows whose message is null are not errors."""
        frame = frame.select(
            pl.col("row").cast(pl.Int64), pl.col("column").cast(pl.String), pl.col("message").cast(pl.String)
        ).filter(pl.col("message").is_not_null())
        if frame.height:
            self._frames.append(frame)

    def rows_with_errors(self, column: str | None = None) -> pl.Series:
        frame = self.frame()
        if column is not None:
            frame = frame.filter(pl.col("column") == column)
        return frame["row"].drop_nulls().unique()

    def frame(self, columns: list[str] | None = None) -> pl.DataFrame:
        """All errors by row, then in the order of ``columns`` (the file's headers)."""
        if not self._frames:
            return pl.DataFrame(schema=ERROR_SCHEMA)
        frame = pl.concat(self._frames).unique(maintain_order=True)
        order = {name: i for i, name in enumerate(columns or [])}
        position = pl.col("column").replace_strict(order, default=len(order), return_dtype=pl.Int64)
        return frame.sort(["row", position], nulls_last=False, maintain_order=True)

    def __len__(self) -> int:
        return sum(f.height for f in self._frames)

    def __bool__(self) -> bool:
        return bool(self._frames)


@dataclass
class ImportResult:
    file: str
    kind: str
    sha256: str = ""
    dry_run: bool = False
    mapping: str | None = None
    encoding: str = ""
    header_row: int | None = None
    rows: int = 0  # data rows read (after title, blank and total rows were set aside)
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written
    header_cells: list[str] = field(default_factory=list)
    defaults: dict[str, str] = field(default_factory=dict)  # field -> value the mapping supplies
    ignored_columns: list[str] = field(default_factory=list)
    skipped: dict[str, list[int]] = field(default_factory=dict)  # reason -> row numbers
    counts: dict[str, int] = field(default_factory=dict)  # "receivables.created" -> n
    warnings: list[str] = field(default_factory=list)
    unmatched: list[dict[str, Any]] = field(default_factory=list)  # bank receipts left for claiming
    error_frame: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ERROR_SCHEMA))
    written: bool = False
    audit_id: int | None = None
    seconds: float = 0.0

    @property
    def errors(self) -> list[Problem]:
        return self.first_errors(None)

    def first_errors(self, n: int | None) -> list[Problem]:
        frame = self.error_frame if n is None else self.error_frame.head(n)
        return [Problem(self.file, row, column, message) for row, column, message in frame.iter_rows()]

    @property
    def ok(self) -> bool:
        return self.error_frame.height == 0

    def count(self, entity: str, action: str) -> int:
        return self.counts.get(f"{entity}.{action}", 0)

    def by_action(self, action: str) -> dict[str, int]:
        out = {}
        for key, value in self.counts.items():
            entity, _, what = key.partition(".")
            if what == action and value:
                out[entity] = value
        return out
