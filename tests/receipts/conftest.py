"""Helpers for receipt tests: bank statements written as CSV, imported, and waiting receipts."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from huikuan.imports.pipeline import run_import
from huikuan.imports.report import ImportResult
from huikuan.receipts.models import BankReceipt

TODAY = date(2026, 5, 20)
HEADER = ["交易日期", "贷方金额", "借方金额", "对方户名", "对方账号", "摘要", "流水号"]


@pytest.fixture(autouse=True)
def _var_dir(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def statement(tmp_path: Path) -> Callable[..., Path]:
    """A statement file from lines (date, credit, debit, counterparty, account, memo, reference)."""

    def write(lines: Sequence[Sequence[Any]], name: str = "statement.csv") -> Path:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows([HEADER, *lines])
        path = tmp_path / name
        path.write_bytes(buffer.getvalue().encode("utf-8"))
        return path

    return write


@pytest.fixture
def import_bank(db: None) -> Callable[..., ImportResult]:
    def run(path: Path, **options: Any) -> ImportResult:
        options.setdefault("today", TODAY)
        return run_import(path, "bank", **options)

    return run


@pytest.fixture
def waiting(db: None) -> Callable[..., BankReceipt]:
    """A receipt waiting for a claim, as an import leaves it."""

    def make(
        amount: str = "300.00",
        payer: str = "甲科技华东办事处",
        account: str = "6222000099990000",
        memo: str = "货款",
        reference: str = "W001",
        on: date = date(2026, 5, 6),
    ) -> BankReceipt:
        return BankReceipt.objects.create(
            reference=reference,
            received_on=on,
            amount=Decimal(amount),
            counterparty_name=payer,
            counterparty_account=account,
            memo=memo,
            candidates=[{"customer_id": 3, "confidence": 0.5, "reasons": []}],
        )

    return make
