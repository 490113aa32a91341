"""``Idempotency-Key`` on POST: the same key with the same body returns the first response again;
the same key with another body is a 409. Keys belong to the token's owner (user or integration).

The work and the record are written in one transaction, so a crash leaves neither; two requests
racing with one key meet the unique constraint and the loser returns the winner's response.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from huikuan.api.auth import Principal
from huikuan.api.errors import ApiError
from huikuan.api.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY = 200


def request_hash(request: HttpRequest, body: dict[str, Any]) -> str:
    text = json.dumps({"path": request.path, "body": body}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> tuple[int, Any]:
    if record.request_hash != fingerprint:
        raise ApiError(409, "idempotency_conflict", "该幂等键已用于另一个请求（内容不同）")
    return record.status, record.body


def idempotent(
    request: HttpRequest, who: Principal, body: dict[str, Any], work: Callable[[], tuple[int, Any]]
) -> tuple[int, Any]:
    """Run ``work`` (returning status and a JSON-ready body) at most once per key."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return work()
    if len(key) > MAX_KEY or any(ord(c) < 32 for c in key):
        raise ApiError(400, "bad_idempotency_key", f"幂等键最长 {MAX_KEY} 个字符，且不能含控制字符")
    fingerprint = request_hash(request, body)
    existing = IdempotencyRecord.objects.filter(principal=who.label, key=key).first()
    if existing is not None:
        return _replay(existing, fingerprint)
    try:
        with transaction.atomic():
            status, payload = work()
            if status < 500:
                IdempotencyRecord.objects.create(
                    principal=who.label,
                    key=key,
                    method_path=f"{request.method} {request.path}"[:300],
                    request_hash=fingerprint,
                    status=status,
                    body=payload,
                )
    except IntegrityError:
        winner = IdempotencyRecord.objects.filter(principal=who.label, key=key).first()
        if winner is None:
            raise
        return _replay(winner, fingerprint)
    return status, payload
