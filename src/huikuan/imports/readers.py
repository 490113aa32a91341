"""Read CSV (UTF-8, GBK/GB18030, UTF-16; with or without BOM) and Excel files into a grid of text.

Every cell is read as text (nothing is inferred, so "007" stays "007" and no amount passes through
a float here); the parsers decide what a cell means. Row numbers are those a user sees in Excel:
a CSV record with a quoted line break is one row, as Excel shows it.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from huikuan.imports.columns.headers import HEADER_SEARCH_ROWS

EXCEL_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # xlsx/xlsm/ods (zip) and xls (OLE)
DELIMITERS = (",", "\t", ";", "|")
PREVIEW_CHARS = 4_000_000


class ReadError(Exception):
    """The file cannot be read at all (message in Chinese, names the file)."""


@dataclass
class Source:
    """A file ready to be located (``preview``) and loaded from its header row (``load``)."""

    name: str
    sha256: str
    encoding: str  # "xlsx" for Excel files
    preview: Callable[[], list[list[str | None]]]
    load: Callable[[int], pl.DataFrame]  # header index -> grid "c0".."cN", header row first

    delimiter: str = ","


def open_source(path: Path) -> Source:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"无法读取文件 {path.name}：{exc.strerror or exc}") from exc
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(EXCEL_MAGIC) or path.suffix.lower() in {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}:
        return _excel_source(path, digest)
    return _csv_source(path.name, data, digest)


# --- Excel -----------------------------------------------------------------------------------


def _excel_source(path: Path, digest: str) -> Source:
    import fastexcel

    try:
        reader = fastexcel.read_excel(path)
        grid = None
        for index, _name in enumerate(reader.sheet_names):
            # header_row=None with skip_rows=0 keeps leading empty rows, so row i is Excel row i + 1.
            sheet = reader.load_sheet(index, header_row=None, skip_rows=0, dtypes="string")
            if sheet.height:
                grid = sheet.to_polars()
                break
    except Exception as exc:  # fastexcel raises its own error classes for broken workbooks
        raise ReadError(f"无法读取 Excel 文件 {path.name}：{_excel_reason(exc, path)}") from exc
    if grid is None:
        grid = pl.DataFrame({"c0": pl.Series([], dtype=pl.String)})
    grid = grid.rename({old: f"c{i}" for i, old in enumerate(grid.columns)})
    grid = grid.with_columns(pl.all().cast(pl.String))
    return Source(
        name=path.name,
        sha256=digest,
        encoding="xlsx",
        preview=lambda: [list(r) for r in grid.head(HEADER_SEARCH_ROWS).rows()],
        load=lambda header: grid.slice(header),
    )


def _excel_reason(exc: Exception, path: Path) -> str:
    """Why a workbook cannot be read, in Chinese, with the reader's own first line (never the
    server's directory: the message is shown on the web page)."""
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    detail = detail.replace(str(path), path.name).replace(str(path.parent), "")[:200]
    return f"文件已损坏、被截断或不是 Excel 格式，请在 Excel 中打开后另存为 .xlsx 再导入（{detail}）"


# --- CSV -------------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: a BOM decides; else strict UTF-8; else GB18030 (a superset of GBK)."""
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        if bom:
            return data[bom:].decode("utf-8", errors="strict"), "utf-8-sig"
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16"), "utf-16"
    except UnicodeDecodeError as exc:
        # The byte-order mark names the encoding, so the rest is broken (often a truncated file).
        raise ReadError(
            f"文件开头标明为 {exc.encoding.upper()} 编码，但第 {bom + exc.start + 1} 个字节起"
            "内容无法按此编码读取（文件可能被截断或损坏）"
        ) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise ReadError("无法识别文件编码（支持 UTF-8、GBK/GB18030、UTF-16）") from exc


def _records(text: str, delimiter: str, limit: int) -> tuple[list[list[str]], list[int]]:
    """The first ``limit`` CSV records and the character offset where each one starts."""
    # The header is near the top: only the first few MB are ever looked at here.
    lines = io.StringIO(text[:PREVIEW_CHARS], newline="")
    offsets = [0]
    consumed = 0

    def feed():  # type: ignore[no-untyped-def]
        nonlocal consumed
        for line in lines:
            consumed += len(line)
            yield line

    reader = csv.reader(feed(), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
            offsets.append(consumed)
            if len(records) >= limit:
                break
    except csv.Error:
        pass  # a broken quote in the preview: polars reports it when loading
    return records, offsets


def _csv_source(name: str, data: bytes, digest: str) -> Source:
    try:
        text, encoding = decode(data)
    except ReadError as exc:
        raise ReadError(f"无法读取 CSV 文件 {name}：{exc}") from exc
    cache: dict[str, tuple[list[list[str]], list[int]]] = {}

    def records(delimiter: str) -> tuple[list[list[str]], list[int]]:
        if delimiter not in cache:
            cache[delimiter] = _records(text, delimiter, HEADER_SEARCH_ROWS)
        return cache[delimiter]

    source = Source(name=name, sha256=digest, encoding=encoding, preview=list, load=lambda h: pl.DataFrame())

    def preview() -> list[list[str | None]]:
        return [list(r) for r in records(source.delimiter)[0]]

    def load(header: int) -> pl.DataFrame:
        offset = records(source.delimiter)[1][header]
        return _read_csv_text(name, text[offset:], source.delimiter, header + 1)

    source.preview = preview
    source.load = load
    return source


def choose_delimiter(source: Source, score: Callable[[Sequence[Sequence[object]]], int]) -> None:
    """Pick the delimiter under which the best header is found (comma wins ties)."""
    if source.encoding == "xlsx":
        return
    best, best_score = ",", -1
    for delimiter in DELIMITERS:
        source.delimiter = delimiter
        value = score(source.preview())
        if value > best_score:
            best, best_score = delimiter, value
    source.delimiter = best


def _broken_row(text: str, delimiter: str, first_row: int) -> int | None:
    """The row (as Excel numbers it) where strict CSV reading fails, e.g. a quote never closed."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    read = 0
    try:
        for _record in reader:
            read += 1
    except csv.Error:
        return first_row + read
    return None


def _unreadable(name: str, text: str, delimiter: str, first_row: int, exc: Exception) -> ReadError:
    row = _broken_row(text, delimiter, first_row)
    if row is not None:
        return ReadError(
            f"无法读取 CSV 文件 {name}：第 {row} 行格式错误（引号没有闭合，或引号后还有其他字符），"
            "请在该行检查英文双引号"
        )
    detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
    return ReadError(f"无法读取 CSV 文件 {name}：{detail}")


def _read_csv_text(name: str, text: str, delimiter: str, first_row: int = 1) -> pl.DataFrame:
    data = text.encode("utf-8")
    options = {"has_header": False, "infer_schema": False, "separator": delimiter, "raise_if_empty": False}
    try:
        grid = pl.read_csv(io.BytesIO(data), **options)  # type: ignore[arg-type]
    except pl.exceptions.ComputeError as first:
        # Rows wider than the header (e.g. trailing commas on data rows only): read them all.
        try:
            width = max(
                (len(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)), default=1
            )
        except csv.Error as exc:
            raise _unreadable(name, text, delimiter, first_row, first) from exc
        schema = {f"column_{i + 1}": pl.String for i in range(width)}
        try:
            grid = pl.read_csv(
                io.BytesIO(data),
                has_header=False,
                schema=schema,
                separator=delimiter,
                missing_columns="insert",
            )
        except pl.exceptions.PolarsError as exc:
            raise _unreadable(name, text, delimiter, first_row, exc) from exc
    except pl.exceptions.PolarsError as exc:
        raise _unreadable(name, text, delimiter, first_row, exc) from exc
    return grid.rename({old: f"c{i}" for i, old in enumerate(grid.columns)})
