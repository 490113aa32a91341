"""Helpers for import tests: files written at test time (CSV in any encoding, XLSX by openpyxl)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from huikuan.audit.models import AuditEntry
from huikuan.imports.pipeline import run_import
from huikuan.imports.report import ImportResult
from huikuan.ledger.models import (
    Allocation,
    BankAccount,
    Contact,
    Contract,
    Customer,
    CustomerAlias,
    CustomerGroup,
    Invoice,
    Payment,
    Receivable,
)

TODAY = date(2026, 5, 20)
Rows = Sequence[Sequence[Any]]


def csv_bytes(rows: Rows, encoding: str = "utf-8", bom: bool = False, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(rows: Rows, name: str = "data.csv", **options: Any) -> Path:
        path = tmp_path / name
        path.write_bytes(csv_bytes(rows, **options))
        return path

    return write


@pytest.fixture
def write_xlsx(tmp_path: Path) -> Callable[..., Path]:
    def write(rows: Rows, name: str = "data.xlsx", start_row: int = 1) -> Path:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        for offset, row in enumerate(rows):
            for col, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(row=start_row + offset, column=col, value=value)
        path = tmp_path / name
        book.save(path)
        return path

    return write


@pytest.fixture
def importer(db: None) -> Callable[..., ImportResult]:
    def run(path: Path, kind: str, **options: Any) -> ImportResult:
        options.setdefault("today", TODAY)
        return run_import(path, kind, **options)

    return run


@pytest.fixture(autouse=True)
def _var_dir(settings: Any, tmp_path: Path) -> None:
    # Saved mappings go under the test's own var/.
    settings.VAR_DIR = tmp_path / "var"


TABLES = (
    Customer,
    CustomerGroup,
    CustomerAlias,
    BankAccount,
    Contact,
    Contract,
    Receivable,
    Invoice,
    Invoice.receivables.through,
    Payment,
    Allocation,
    AuditEntry,
)


@pytest.fixture
def counts(db: None) -> Callable[[], dict[str, int]]:
    """Row counts of every table an import may write (to prove one wrote nothing)."""

    def table_counts() -> dict[str, int]:
        return {model._meta.db_table: model.objects.count() for model in TABLES}

    return table_counts
