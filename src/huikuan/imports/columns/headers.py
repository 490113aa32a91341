"""Find the header row of a file and map its columns to fields.

Exports put title rows above the header ("中国工商银行 账户明细", "账号：…") and use many
spellings of one column ("贷方发生额（收入）", "*客户名称", "Customer Code"). A header cell is
normalised (NFKC, spaces and required-markers removed, a trailing unit in brackets dropped) and
looked up among the names of the kind's columns and the mapping's own names; the row among the
first rows with the most recognised cells is the header.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from huikuan.imports.columns.specs import KindSpec

HEADER_SEARCH_ROWS = 30
IGNORE = "-"  # a mapping value that drops a column on purpose

_UNIT = re.compile(r"[(\[【（][^)\]】）]*[)\]】）]$")
_SPACES = re.compile(r"[\s_\-]+")


def normalise_header(text: object) -> str:
    """``"*贷方发生额（收入）"`` → ``"贷方发生额"``; ``"Customer Code"`` → ``"customer_code"``."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFKC", str(text)).strip().lstrip("*＊").strip()
    stripped = _UNIT.sub("", value).strip()
    value = stripped or value
    return _SPACES.sub("_", value).strip("_").lower()


@dataclass
class Layout:
    """Where the header is and which file columns feed which field."""

    header_index: int  # index of the header among the rows given to ``locate``
    headers: list[str]  # header cells as written
    sources: dict[str, list[int]] = field(default_factory=dict)  # field -> column indexes
    ignored: list[int] = field(default_factory=list)  # extra columns (reported, never read)

    def label(self, name: str, default: str) -> str:
        """The header a user sees for ``name`` (the first source column), else ``default``."""
        cols = self.sources.get(name)
        return self.headers[cols[0]] if cols else default

    def column_name(self, index: int) -> str:
        return self.headers[index] or f"第{index + 1}列（无表头）"


def lookup_table(spec: KindSpec, mapping_columns: dict[str, str]) -> dict[str, tuple[str, int]]:
    """normalised header -> (field, priority); the mapping's names win over the standard ones."""
    table: dict[str, tuple[str, int]] = {}
    for col in spec.columns:
        for priority, name in enumerate(col.names):
            table.setdefault(normalise_header(name), (col.field, 100 + priority))
    for header, target in mapping_columns.items():
        table[normalise_header(header)] = (target, 0)
    return table


def score(row: Sequence[object], table: dict[str, tuple[str, int]]) -> int:
    fields = {table[h][0] for h in (normalise_header(c) for c in row) if h in table and table[h][0] != IGNORE}
    return len(fields)


def find_header(rows: Sequence[Sequence[object]], table: dict[str, tuple[str, int]]) -> int | None:
    """Index of the header among ``rows`` (the first rows of the file), or None."""
    best, best_score = None, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = score(row, table)
        if found > best_score:
            best, best_score = index, found
    return best


def map_columns(headers: Sequence[object], spec: KindSpec, table: dict[str, tuple[str, int]]) -> Layout:
    """Assign file columns to fields. A field named by several columns takes the best-ranked name
    (the mapping's, then Chinese, then English, then synonyms); a ``multi`` field takes them all."""
    texts = ["" if h is None else str(h).strip() for h in headers]
    layout = Layout(header_index=0, headers=texts)
    candidates: dict[str, list[tuple[int, int]]] = {}
    known = set(spec.fields)
    for index, text in enumerate(texts):
        hit = table.get(normalise_header(text))
        if hit is None or hit[0] == IGNORE or hit[0] not in known:
            layout.ignored.append(index)
            continue
        candidates.setdefault(hit[0], []).append((hit[1], index))
    for name, found in candidates.items():
        found.sort()
        if spec.column(name).multi:
            layout.sources[name] = sorted(i for _p, i in found)
            continue
        layout.sources[name] = [found[0][1]]
        layout.ignored.extend(i for _p, i in found[1:])
    layout.ignored.sort()
    return layout
