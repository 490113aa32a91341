"""Property: a generated receivables or payments file is either imported exactly (every amount,
date and text as written) or refused with row/column errors and nothing written — never a crash,
never a silent zero amount.

Each cell is built valid or hostile on purpose (arbitrary Unicode text, control characters, long
text, amounts that are huge, negative, NaN, over two decimals, dates like 2026-02-30), so the test
knows which rows must fail and in which column.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import World
from hostile.dbdump import assert_unchanged, dump
from huikuan.imports.parse import WHITESPACE
from huikuan.imports.pipeline import run_import
from huikuan.ledger.models import Payment, Receivable

CUSTOMERS = ("杭州甲科技有限公司", "南京乙工程有限公司", "北京丙集团有限公司")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass(frozen=True)
class Cell:
    text: str
    value: object  # what must be stored; None when the cell must be refused
    ok: bool


def cleaned(text: str) -> str:
    """What the importer keeps of a text cell (trimmed; Excel's ="…" guard unwrapped)."""
    inner = text.strip(WHITESPACE)
    match = re.fullmatch(r'="(.*)"', inner, flags=re.S)
    return (match.group(1) if match else inner).strip(WHITESPACE)


def good_amounts() -> st.SearchStrategy[Cell]:
    cents = st.integers(min_value=1, max_value=10**15 - 1)

    def show(n: int, style: int) -> Cell:
        value = Decimal(n) / 100
        plain = f"{value:.2f}"
        text = [plain, f"{value:,.2f}", f"¥{plain}", f"{plain}元", f"￥{value:,.2f}"][style]
        return Cell(text, value, True)

    return st.builds(show, cents, st.integers(0, 4))


def bad_amounts() -> st.SearchStrategy[Cell]:
    fixed = st.sampled_from(
        [
            "NaN",
            "-NaN",
            "Infinity",
            "-1",
            "0",
            "0.00",
            "-0",
            "1.001",
            "1E+400",
            "1e-5",
            "184467440737095517.00",
            "100000000000000",
            "10000000000000",
            "99999999999999.99",
            "99999999999999999999",
            "=1+1",
            "1,2,3.4.5",
            "¥",
        ]
    )
    junk = st.text(min_size=1, max_size=20).map(lambda t: "x" + t)
    return st.one_of(fixed, junk).map(lambda t: Cell(t, None, False))


def good_dates() -> st.SearchStrategy[Cell]:
    def show(day: date, style: int) -> Cell:
        text = [
            day.isoformat(),
            f"{day.year}/{day.month}/{day.day}",
            f"{day.year}年{day.month}月{day.day}日",
            day.strftime("%Y%m%d"),
        ][style]
        return Cell(text, day, True)

    return st.builds(show, st.dates(date(1990, 1, 1), date(2150, 12, 31)), st.integers(0, 3))


def bad_dates() -> st.SearchStrategy[Cell]:
    fixed = st.sampled_from(["2026-02-30", "2026-13-01", "2025-02-29", "2026-04-31", "0000-00-00", "明天"])
    return st.one_of(fixed, st.text(min_size=1, max_size=12).map(lambda t: "x" + t)).map(
        lambda t: Cell(t, None, False)
    )


def texts(limit: int, required: bool, suffix: str) -> st.SearchStrategy[Cell]:
    """Any Unicode text (surrogates aside); valid when what is kept fits and holds no control
    character. ``suffix`` keeps every row's identity unique."""

    def judge(text: str) -> Cell:
        text += suffix
        kept = cleaned(text)
        ok = not CONTROL.search(text) and len(kept) <= limit and (bool(kept) or not required)
        return Cell(text, kept or None, ok)

    alphabet = st.characters(blacklist_categories=("Cs",))
    return st.one_of(
        st.text(alphabet, max_size=30), st.text(alphabet, min_size=limit - 5, max_size=limit + 5)
    ).map(judge)


def rows_strategy(kind: str) -> st.SearchStrategy[list[dict[str, Cell]]]:
    def row(i: int) -> st.SearchStrategy[dict[str, Cell]]:
        customer = st.sampled_from(CUSTOMERS).map(lambda c: Cell(c, c, True))
        amount = st.one_of(good_amounts(), good_amounts(), bad_amounts())
        day = st.one_of(good_dates(), good_dates(), bad_dates())
        if kind == "receivables":
            return st.fixed_dictionaries(
                {
                    "客户名称": customer,
                    "合同编号": texts(100, True, f"#{i}"),
                    "项目名称": texts(200, False, ""),
                    "金额": amount,
                    "到期日": day,
                }
            )
        return st.fixed_dictionaries(
            {
                "客户名称": customer,
                "回款日期": day,
                "金额": amount,
                "流水号": texts(100, True, f"#{i}"),
                "摘要": texts(500, False, ""),
            }
        )

    return st.integers(1, 6).flatmap(lambda n: st.tuples(*(row(i) for i in range(n)))).map(list)


def write(path: Path, rows: list[dict[str, Cell]]) -> None:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    header = list(rows[0])
    out.writerow(header)
    out.writerows([row[column].text for column in header] for row in rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))


def check(path: Path, kind: str, rows: list[dict[str, Cell]]) -> None:
    before = dump()
    result = run_import(path, kind, today=date(2026, 11, 27))
    bad = {(i + 2, column) for i, row in enumerate(rows) for column, cell in row.items() if not cell.ok}
    if not bad:
        assert result.ok, [str(e) for e in result.errors]
        stored = _stored(kind)
        assert len(stored) == len(rows)
        for row in rows:
            key = row["合同编号" if kind == "receivables" else "流水号"].value
            assert stored[key] == _expected(kind, row)
        return
    assert not result.ok and not result.written
    found = {(e.row, e.column) for e in result.errors}
    # Every refused cell is reported where it is (a row may report more, e.g. a text cell the
    # importer judges on its own rules; never fewer), and every error names a row and column.
    assert bad <= found, (bad, [str(e) for e in result.errors])
    assert all(e.row and e.column and e.file == path.name for e in result.errors)
    assert_unchanged(before, dump())


def _stored(kind: str) -> dict[str, tuple[object, ...]]:
    if kind == "receivables":
        return {
            r.contract.number: (r.contract.customer.name, r.contract.project_name or None, r.amount, r.due_on)
            for r in Receivable.objects.filter(contract__number__contains="#").select_related(
                "contract__customer"
            )
        }
    return {
        p.reference: (p.customer.name, p.paid_on, p.amount, p.memo or None)
        for p in Payment.objects.select_related("customer")
    }


def _expected(kind: str, row: dict[str, Cell]) -> tuple[object, ...]:
    if kind == "receivables":
        return (row["客户名称"].value, row["项目名称"].value, row["金额"].value, row["到期日"].value)
    return (row["客户名称"].value, row["回款日期"].value, row["金额"].value, row["摘要"].value)


@pytest.mark.parametrize("kind", ["receivables", "payments"])
def test_generated_file_is_imported_exactly_or_refused_whole(world: World, tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.csv"

    @SETTINGS
    @given(rows=rows_strategy(kind))
    def prop(rows: list[dict[str, Cell]]) -> None:
        with transaction.atomic():
            write(path, rows)
            check(path, kind, rows)
            transaction.set_rollback(True)

    prop()
