"""huikuan.core stays pure: no Django, no app imports, no clock (STYLE §Practices 1, 8)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[1] / "src" / "huikuan" / "core"
APPS = ("web", "ledger", "collection", "api", "accounts", "audit")
FORBIDDEN_PACKAGES = ("django", *(f"huikuan.{app}" for app in APPS))
CLOCK_CALLS = {("date", "today"), ("datetime", "now"), ("datetime", "today"), ("datetime", "utcnow")}


def _forbidden(module: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in FORBIDDEN_PACKAGES)


def violations(source: str) -> list[str]:
    """Forbidden imports and clock calls in one module's source, as ``line: what``."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"{node.lineno}: import {a.name}" for a in node.names if _forbidden(a.name)]
        elif isinstance(node, ast.ImportFrom):
            # Relative imports from huikuan/core: level 1 is huikuan.core, level 2 is huikuan.
            module = node.module or ""
            if node.level == 1:
                module = "huikuan.core" + (f".{module}" if module else "")
            elif node.level >= 2:
                module = "huikuan" + (f".{module}" if module else "")
            if _forbidden(module):
                found.append(f"{node.lineno}: from {module} import …")
            else:
                bad = [a.name for a in node.names if _forbidden(f"{module}.{a.name}")]
                found += [f"{node.lineno}: from {module} import {name}" for name in bad]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            # date.today(), datetime.now(), and the module-qualified datetime.date.today().
            name = (
                owner.id
                if isinstance(owner, ast.Name)
                else owner.attr
                if isinstance(owner, ast.Attribute)
                else ""
            )
            if (name, node.func.attr) in CLOCK_CALLS:
                found.append(f"{node.lineno}: {name}.{node.func.attr}()")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__import__":
            arg = node.args[0] if node.args else None
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and _forbidden(arg.value):
                found.append(f"{node.lineno}: __import__({arg.value!r})")
    return found


MODULES = sorted(CORE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(CORE)) for p in MODULES])
def test_core_module_imports_no_django_no_apps_and_reads_no_clock(path: Path) -> None:
    assert violations(path.read_text(encoding="utf-8")) == []


def test_core_has_modules_to_check() -> None:
    assert {"reasons.py", "strategy.py", "priority.py"} <= {p.name for p in MODULES}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import django", ["1: import django"]),
        ("from django.db import models", ["1: from django.db import …"]),
        ("import huikuan.web.views", ["1: import huikuan.web.views"]),
        ("from huikuan.ledger.models import Payment", ["1: from huikuan.ledger.models import …"]),
        ("from huikuan import audit", ["1: from huikuan import audit"]),
        ("from datetime import date\nx = date.today()", ["2: date.today()"]),
        ("import datetime\nx = datetime.datetime.now()", ["2: datetime.now()"]),
        ("import datetime\nx = datetime.date.today()", ["2: date.today()"]),
        ("from datetime import datetime\nx = datetime.utcnow()", ["2: datetime.utcnow()"]),
        ("m = __import__('django.conf')", ["1: __import__('django.conf')"]),
        ("from ..collection import models", ["1: from huikuan.collection import …"]),
        ("from ..api.schemas import X", ["1: from huikuan.api.schemas import …"]),
        ("from .money import cents", []),
        ("from .. import web", ["1: from huikuan import web"]),
        ("from huikuan.core.money import cents\nfrom huikuan.core import ledger", []),
        ("from datetime import date\nx = date(2026, 1, 1)", []),
    ],
)
def test_the_checker_catches_what_it_should(source: str, expected: list[str]) -> None:
    assert violations(source) == expected
