"""The worked examples in the letters' docstrings (the suite's doctest run covers huikuan.core only)."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize(
    "name",
    ["huikuan.letters.common", "huikuan.letters.interest", "huikuan.letters.service", "huikuan.exports.xlsx"],
)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
