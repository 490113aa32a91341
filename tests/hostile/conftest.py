"""Hostile input: fixtures shared by the fuzz corpus, the property tests and the page checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hostile import dbdump

CORPUS = Path(__file__).parent / "corpus"

# Text that must stay text: markup, script, template syntax, a javascript: link, formulas.
PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}}",
    "javascript:alert(1)",
)
FORMULAS = ('=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1:A2)")


def pytest_configure(config: Any) -> None:
    config.addinivalue_line("markers", "large: builds a ~100 MB input at test time (runs in make test)")


@pytest.fixture(autouse=True)
def _isolated_files(settings: Any, tmp_path: Path) -> None:
    # Uploaded files, import jobs and saved mappings go under the test's own directory.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def snapshot(db: None) -> Callable[[], dbdump.Dump]:
    return dbdump.dump
