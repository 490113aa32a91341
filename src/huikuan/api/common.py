"""Shared edge types, pagination and ETags (no business rules here)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Header, Schema
from pydantic import AfterValidator, ConfigDict, PlainSerializer, StringConstraints

from huikuan.api.errors import ApiError

# Text without NUL or other control characters (PostgreSQL refuses NUL; nobody means them).
_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"
Id = Annotated[int, Field(ge=1, le=2**53)]
Text50 = Annotated[str, StringConstraints(max_length=50, pattern=_TEXT)]
Text100 = Annotated[str, StringConstraints(max_length=100, pattern=_TEXT)]
Text200 = Annotated[str, StringConstraints(max_length=200, pattern=_TEXT)]
Text500 = Annotated[str, StringConstraints(max_length=500, pattern=_TEXT)]
LongText = Annotated[str, StringConstraints(max_length=5000, pattern=_TEXT)]
Name200 = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=_TEXT, strip_whitespace=True)
]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Money = Annotated[Decimal, Field(max_digits=14, decimal_places=2, ge=0)]
PositiveMoney = Annotated[Decimal, Field(max_digits=14, decimal_places=2, gt=0)]
Day = Annotated[date, Field(ge=date(1990, 1, 1), le=date(2200, 12, 31))]


def _moment(value: datetime) -> datetime:
    """A point in time the database can store: 1990–2200, a real UTC offset (±14 h); naive = local."""
    from django.utils import timezone

    if value.tzinfo is None:
        value = timezone.make_aware(value)
    offset = value.utcoffset() or timedelta(0)
    if abs(offset) > timedelta(hours=14):
        raise ValueError("时区偏移超出范围（最多 ±14 小时）")
    if not 1990 <= value.year <= 2200:
        raise ValueError("时间超出允许的范围（1990–2200 年）")
    return value


Moment = Annotated[datetime, AfterValidator(_moment)]


def money_text(value: Decimal) -> str:
    return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# Amounts leave the API as strings with two decimals ("1234.50"), never as floats.
MoneyOut = Annotated[Decimal, PlainSerializer(money_text, return_type=str)]
ETAG_HEADER = "ETag"

T = TypeVar("T")

# Declared so the OpenAPI document shows them; the helpers below read them from the request.
IfMatch = Annotated[
    str | None,
    Header(None, alias="If-Match", max_length=500, description="GET 返回的 ETag；不一致时返回 412"),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        None,
        alias="Idempotency-Key",
        max_length=200,
        pattern=r"^[^\x00-\x1f]*$",
        description="重试时用同一个键：相同请求返回相同响应，不同请求返回 409",
    ),
]


class In(Schema):
    """A request body: unknown fields are an error (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid")


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=500, description="每页条数 / page size")
    offset: int = Field(0, ge=0, le=10_000_000, description="跳过条数 / rows to skip")


def page(
    queryset: QuerySet, params: PageParams, convert: Callable[[Any], Any] | None = None
) -> dict[str, Any]:
    """``{"items", "count", "limit", "offset"}`` for one page of ``queryset``."""
    rows = list(queryset[params.offset : params.offset + params.limit])
    items: Iterable[Any] = [convert(r) for r in rows] if convert else rows
    return {"items": items, "count": queryset.count(), "limit": params.limit, "offset": params.offset}


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def etag_of(schema: type[Schema], obj: Any) -> str:
    """A strong ETag over the representation the client saw."""
    data = schema.from_orm(obj).model_dump(mode="json")
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def check_if_match(request: HttpRequest, current: str) -> None:
    """412 when the client's ``If-Match`` names another version (absent or ``*`` means: no check)."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    if current not in tags:
        raise ApiError(412, "precondition_failed", "数据已被修改（ETag 不一致），请重新读取后再提交")


def with_etag(response: HttpResponse, schema: type[Schema], obj: Any) -> Any:
    response[ETAG_HEADER] = etag_of(schema, obj)
    return obj
