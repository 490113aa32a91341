"""Saved column mappings: presets shipped as data files, and the user's own under var/mappings/.

A mapping is a small TOML or JSON document::

    {
      "name": "my-bank",                 # optional; the file name is the mapping's name
      "kind": "bank",                    # optional; the import kind it is meant for
      "title": "某银行 对公流水",
      "columns": {"收款金额": "credit", "付款人": "counterparty", "余额": "-"},
      "defaults": {"currency": "USD"},   # used when the column is missing or the cell empty
      "fallbacks": {"contract_no": "doc_no"},  # an empty field takes another field's value
      "transforms": {"contract_no": ["integer_text"], "amount": ["round_cents"]}
    }

``columns`` maps a header as written in the file to a field of the kind (FORMATS.md English
names), or to ``"-"`` to leave a column out; headers it does not name are still recognised by
their standard Chinese/English names. ``transforms``: ``integer_text`` turns ``2960623488.0``
into ``2960623488``; ``round_cents`` rounds float noise in amounts (``2309.7899999999995``) half
up to cents. ``huikuan import … --column 表头=field --save-mapping NAME`` writes such a file.
User mappings are looked up first: var/mappings/NAME.json, then NAME.toml, then the presets.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PRESET_DIR = Path(__file__).resolve().parent
TRANSFORMS = ("integer_text", "round_cents")
_NAME = re.compile(r"^[\w\-\u4e00-\u9fff]{1,60}$")


class MappingError(Exception):
    """An unknown or malformed mapping (a usage error: exit status 2)."""


@dataclass(frozen=True)
class Mapping:
    name: str
    kind: str | None = None
    title: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    fallbacks: dict[str, str] = field(default_factory=dict)
    transforms: dict[str, list[str]] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    source: str = ""

    def with_columns(self, extra: dict[str, str]) -> Mapping:
        return Mapping(**{**asdict(self), "columns": {**self.columns, **extra}})

    def check(self, fields: list[str]) -> None:
        """Every target must be a field of the kind (or "-")."""
        known = set(fields)
        for header, target in self.columns.items():
            if target != "-" and target not in known:
                raise MappingError(
                    f"映射 {self.name}：列“{header}”对应的字段 {target} 不存在（可用：{', '.join(fields)}）"
                )
        for where in (self.defaults, self.fallbacks, self.transforms):
            for name in where:
                if name not in known:
                    raise MappingError(f"映射 {self.name}：字段 {name} 不存在")
        for name, source in self.fallbacks.items():
            if source not in known:
                raise MappingError(f"映射 {self.name}：{name} 的备用字段 {source} 不存在")
        for name, steps in self.transforms.items():
            for step in steps:
                if step not in TRANSFORMS:
                    raise MappingError(
                        f"映射 {self.name}：{name} 的转换 {step} 不存在（可用：{', '.join(TRANSFORMS)}）"
                    )


def _from_data(name: str, data: dict[str, Any], source: str) -> Mapping:
    def strings(key: str) -> dict[str, str]:
        value = data.get(key) or {}
        if not isinstance(value, dict):
            raise MappingError(f"映射 {name}：{key} 应为对象")
        return {str(k): str(v) for k, v in value.items()}

    transforms = data.get("transforms") or {}
    if not isinstance(transforms, dict):
        raise MappingError(f"映射 {name}：transforms 应为对象")
    return Mapping(
        name=name,
        kind=data.get("kind") or None,
        title=str(data.get("title") or ""),
        columns=strings("columns"),
        defaults=strings("defaults"),
        fallbacks=strings("fallbacks"),
        transforms={
            str(k): [str(s) for s in (v if isinstance(v, list) else [v])] for k, v in transforms.items()
        },
        aliases=[str(a) for a in data.get("aliases") or []],
        source=source,
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        if path.suffix == ".toml":
            return tomllib.loads(path.read_text(encoding="utf-8"))
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MappingError(f"无法读取映射文件 {path}：{exc}") from exc
    if not isinstance(data, dict):
        raise MappingError(f"映射文件 {path} 应为一个对象")
    return data


def user_dir() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "mappings"


def presets() -> dict[str, Path]:
    return {p.stem: p for p in sorted(PRESET_DIR.glob("*.toml"))}


def available() -> list[str]:
    users = sorted({p.stem for p in user_dir().glob("*.json")} | {p.stem for p in user_dir().glob("*.toml")})
    return sorted(presets()) + [u for u in users if u not in presets()]


def load_mapping(name: str) -> Mapping:
    """A user mapping (var/mappings/NAME.json or .toml) or a preset, by name or preset alias."""
    if _NAME.match(name):
        for suffix in (".json", ".toml"):
            path = user_dir() / f"{name}{suffix}"
            if path.is_file():
                return _from_data(name, _read(path), str(path))
        if name.lower() in presets():
            path = presets()[name.lower()]
            return _from_data(name.lower(), _read(path), f"preset {path.name}")
        for stem, path in presets().items():
            data = _read(path)
            if name in data.get("aliases", []):
                return _from_data(stem, data, f"preset {path.name}")
    raise MappingError(f"没有名为“{name}”的列映射（可用：{', '.join(available())}）")


def save_mapping(name: str, mapping: Mapping) -> Path:
    """Write ``mapping`` as var/mappings/NAME.json (a user mapping shadows a preset of that name)."""
    if not _NAME.match(name):
        raise MappingError(f"映射名称只能包含字母、数字、汉字、- 和 _：{name}")
    folder = user_dir()
    folder.mkdir(parents=True, exist_ok=True)
    data = asdict(mapping)
    data["name"] = name
    for key in ("source", "aliases"):
        data.pop(key)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
