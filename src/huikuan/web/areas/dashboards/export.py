"""``?export=xlsx``: any table of the site as an Excel file (formula-safe cells, Chinese headers)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from huikuan.exports.xlsx import write_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("export") == "xlsx"


def xlsx_response(
    filename: str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """The table as ``filename``.xlsx, downloaded (written through a temporary file)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_table(Path(tmp) / "export.xlsx", [str(h) for h in headers], rows, sheet=sheet)
        body = path.read_bytes()
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.xlsx")
    return response
