"""Reason codes: every derived result says why, as data.

A `Reason` is a stable snake_case code plus parameters. Each core module declares
``REASONS = {code: (zh_hans_text, english_text)}`` for every code it can emit (texts may use
``{param}`` placeholders) and, optionally, ``LABELS = {value: (zh_hans, english)}`` for
parameter values that are themselves codes (a role, a field name, a gap code).
This module collects them into one registry so the UI can explain any result in Chinese or
English.

>>> r = Reason("book_close_window", {"day": 25})
>>> r.code, r.params["day"]
('book_close_window', 25)
>>> describe(Reason("broken_promises", {"count": 2, "points": 4}), "en")
'2 broken promise(s) in the last 180 days (+4)'
>>> describe(Reason("missing_payer"))
'未登记付款责任人'
"""

from __future__ import annotations

import importlib
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from types import MappingProxyType
from typing import Any, Literal

Lang = Literal["zh-hans", "en"]


def _frozen(params: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(params or {}))


@dataclass(frozen=True, slots=True)
class Reason:
    """A stable code with parameters; translated by the UI, asserted by tests."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", _frozen(self.params))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}


# Modules are imported by name when the registry is first used, so a module that does not
# exist yet (or a checkout without it) is simply skipped; a module that exists but fails to
# import is a bug and raises.
CORE_MODULES: tuple[str, ...] = (
    "tables",
    "readiness",
    "nature",
    "inputs",
    "strategy",
    "discount",
    "sanctions",
    "priority",
    "wording",
    "negotiation",
    "calendar",
    "availability",
    "timing",
    "limitation",
    "interest",
    "plans",
    "promises",
    "aging",
    "allocation",
    "ledger",
    "kpis",
    "prediction",
    "analytics",
    "matching",
    "credit",
)

_PACKAGE = "huikuan.core"


@dataclass(frozen=True, slots=True)
class Registry:
    """All reason texts and value labels, merged from the core modules that exist."""

    texts: Mapping[str, tuple[str, str]]
    labels: Mapping[str, tuple[str, str]]
    sources: Mapping[str, tuple[str, ...]]  # code -> modules declaring it
    conflicts: tuple[str, ...]  # codes declared with different texts in two modules
    modules: tuple[str, ...]  # modules actually loaded


def _load(name: str) -> Any | None:
    full = f"{_PACKAGE}.{name}"
    try:
        return importlib.import_module(full)
    except ModuleNotFoundError as exc:
        if exc.name == full:
            return None
        raise


def build_registry(modules: Iterable[str] = CORE_MODULES) -> Registry:
    """Merge ``REASONS`` and ``LABELS`` of the named core modules (missing modules are skipped).

    The first module to declare a code wins; a code declared twice with different texts is
    listed in ``conflicts`` (a test keeps that list empty).

    >>> reg = build_registry(["nature", "not_written_yet"])
    >>> reg.modules
    ('nature',)
    >>> reg.texts["dispute_open"][1]
    'an open dispute names this receivable'
    """
    texts: dict[str, tuple[str, str]] = {}
    labels: dict[str, tuple[str, str]] = {}
    sources: dict[str, list[str]] = {}
    conflicts: list[str] = []
    loaded: list[str] = []
    for name in modules:
        module = _load(name)
        if module is None:
            continue
        loaded.append(name)
        for code, pair in getattr(module, "REASONS", {}).items():
            sources.setdefault(code, []).append(name)
            if code in texts and texts[code] != tuple(pair) and code not in conflicts:
                conflicts.append(code)
            texts.setdefault(code, (pair[0], pair[1]))
        for key, pair in getattr(module, "LABELS", {}).items():
            labels.setdefault(key, (pair[0], pair[1]))
    return Registry(
        texts=MappingProxyType(texts),
        labels=MappingProxyType(labels),
        sources=MappingProxyType({k: tuple(v) for k, v in sources.items()}),
        conflicts=tuple(conflicts),
        modules=tuple(loaded),
    )


@cache
def registry() -> Registry:
    """The registry over `CORE_MODULES`, built once per process."""
    return build_registry()


def all_codes() -> frozenset[str]:
    """Every reason code known to the registry.

    >>> "missing_payer" in all_codes()
    True
    """
    return frozenset(registry().texts)


def _lang_index(lang: str) -> int:
    norm = lang.strip().lower().replace("_", "-")
    if norm in {"zh-hans", "zh", "zh-cn", "zh-sg"}:
        return 0
    if norm.startswith("en"):
        return 1
    raise ValueError(f"unsupported language: {lang!r} (use 'zh-hans' or 'en')")


class _Missing:
    """A placeholder whose parameter was not supplied: printed back as ``{name}``."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class _Formatter(string.Formatter):
    def __init__(self, idx: int, labels: Mapping[str, tuple[str, str]]) -> None:
        self.idx = idx
        self.labels = labels

    def get_value(self, key: int | str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        if isinstance(key, str) and key not in kwargs:
            return _Missing(key)
        return super().get_value(key, args, kwargs)

    def _text(self, value: Any) -> str:
        if value is None:
            return ("未知", "unknown")[self.idx]
        if isinstance(value, str):
            pair = self.labels.get(value)
            return pair[self.idx] if pair else value
        if isinstance(value, bool):
            return ("是", "yes")[self.idx] if value else ("否", "no")[self.idx]
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, list | tuple | set | frozenset):
            items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
            return ("、", ", ")[self.idx].join(self._text(v) for v in items)
        return str(value)

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, _Missing):
            return "{" + value.name + "}"
        if format_spec and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return format(value, format_spec)
        return self._text(value)


def describe(reason: Reason, lang: str = "zh-hans", *, reg: Registry | None = None) -> str:
    """The reason as a sentence in ``lang`` ("zh-hans" or "en"), placeholders filled.

    Unknown codes come back as the code itself (the UI must never crash on a new code);
    a placeholder without a parameter stays visible as ``{name}``. Parameter values that
    are known labels (roles, fields, gap codes) are translated; lists are joined.

    >>> describe(Reason("missing_contract_facts", {"missing": ("amount", "owner")}), "en")
    'contract facts incomplete: amount, sales owner'
    >>> describe(Reason("missing_contract_facts", {"missing": ("amount", "owner")}))
    '交易信息不完整：金额、销售维护人'
    >>> describe(Reason("no_such_code_yet"), "en")
    'no_such_code_yet'
    """
    idx = _lang_index(lang)
    current = reg or registry()
    pair = current.texts.get(reason.code)
    if pair is None:
        return reason.code
    return _Formatter(idx, current.labels).vformat(pair[idx], (), dict(reason.params))


def describe_all(reasons: Iterable[Reason], lang: str = "zh-hans") -> list[str]:
    """`describe` over several reasons, in order."""
    return [describe(r, lang) for r in reasons]
