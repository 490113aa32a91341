"""XLSX tables with Chinese headers, formatted amounts and no formula injection.

A text cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab / carriage return, which some
spreadsheets strip before parsing) would be run as a formula by Excel or WPS; a customer name or a
memo typed by anyone must never do that, so such text is prefixed with an apostrophe-like quote.
Numbers, dates and Decimals stay typed cells (a negative amount is a number, not a formula).

>>> safe_cell("=1+2"), safe_cell("@SUM(A1)")
("'=1+2", "'@SUM(A1)")
>>> safe_cell("-1"), safe_cell(Decimal("-1.50")), safe_cell("杭州甲科技")
("'-1", Decimal('-1.50'), '杭州甲科技')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
AMOUNT_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"


def safe_cell(value: Any) -> Any:
    """``value`` as a cell no spreadsheet runs as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


Table = tuple[str, Sequence[str], Iterable[Sequence[Any]]]
"""(sheet title, headers, rows)."""


def write_tables(path: str | Path, tables: Sequence[Table]) -> Path:
    """Write one sheet per table: bold frozen header, amounts as ``#,##0.00``, dates as ISO.

    Write-only mode, so a worklist of a million rows streams instead of living in memory.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, headers, rows in tables:
        sheet = book.create_sheet(title=_sheet_title(title))
        sheet.freeze_panes = "A2"
        for i, header in enumerate(headers, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = max(10, min(40, 2 * len(header) + 4))
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=safe_cell(header))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            sheet.append([_cell(sheet, value, WriteOnlyCell) for value in row])
    book.save(target)
    return target


def write_table(
    path: str | Path, headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = "Sheet1"
) -> Path:
    """One sheet: ``write_table("aging.xlsx", ["客户", "金额"], [["杭州甲", Decimal("10.00")]])``."""
    return write_tables(path, [(sheet, headers, rows)])


def _cell(sheet: Any, value: Any, factory: Any) -> Any:
    if isinstance(value, Decimal):
        cell = factory(sheet, value=value)
        cell.number_format = AMOUNT_FORMAT
        return cell
    if isinstance(value, date) and not isinstance(value, datetime):
        cell = factory(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, bool | int | float) or value is None:
        return value
    return safe_cell(str(value))


def _sheet_title(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in title)
    return cleaned[:31] or "Sheet1"
