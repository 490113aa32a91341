"""Finding and replacing one person's details in free text and in audit payloads (pure functions).

>>> values = erased_values("张三", "138-0013-8000", "zhangsan@example.com")
>>> scrub_text("张三说下周付款，电话13800138000", values, "已删除的联系人 #7")
'已删除的联系人 #7说下周付款，电话[已删除]'
>>> scrub_payload({"after": {"name": "张三", "amount": "10.00"}}, values, keys={"name"})
{'after': {'name': '[已删除]', 'amount': '10.00'}}
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from huikuan.audit.models import REDACTED

# A person's name shorter than this is not searched for in free text: one character would wipe
# unrelated words. Chinese names have two characters at least.
MIN_VALUE_LENGTH = 2
MIN_PHONE_DIGITS = 7


@dataclass(frozen=True)
class ErasedValues:
    """What to look for: the name (replaced by the tombstone) and the other details (replaced by REDACTED)."""

    name: str
    others: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        return tuple(v for v in (self.name, *self.others) if v)

    def found_in(self, text: str) -> bool:
        return any(v in text for v in self.all)


def erased_values(name: str, phone: str = "", email: str = "", *extra: str) -> ErasedValues:
    """The values to scrub, with the phone also as bare digits (notes often drop the dashes)."""
    others: list[str] = []
    digits = re.sub(r"\D", "", phone)
    for value in (phone.strip(), digits if len(digits) >= MIN_PHONE_DIGITS else "", email.strip(), *extra):
        value = value.strip()
        if len(value) >= MIN_VALUE_LENGTH and value not in others:
            others.append(value)
    others.sort(key=len, reverse=True)  # the longer form first, so no half-replaced number remains
    name = name.strip()
    return ErasedValues(name if len(name) >= MIN_VALUE_LENGTH else "", tuple(others))


def scrub_text(text: str, values: ErasedValues, tombstone: str = REDACTED) -> str:
    """``text`` with the name replaced by ``tombstone`` and the other values by REDACTED."""
    for value in values.others:
        text = text.replace(value, REDACTED)
    if values.name:
        text = text.replace(values.name, tombstone)
    return text


def scrub_payload(data: Any, values: ErasedValues | None, keys: set[str] = frozenset()) -> Any:  # type: ignore[assignment]
    """A JSON payload with every non-empty text under one of ``keys`` replaced by REDACTED, and the
    values replaced wherever else they occur. Numbers, booleans and the structure stay as they are."""

    def walk(node: Any, wipe: bool) -> Any:
        if isinstance(node, dict):
            return {k: walk(v, wipe or k in keys) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, wipe) for v in node]
        if isinstance(node, str) and node:
            if wipe and node != REDACTED:
                return REDACTED
            if values is not None and values.found_in(node):
                return scrub_text(node, values, REDACTED)
        return node

    return walk(data, False)
