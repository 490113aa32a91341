"""Sending: SMTP through Django's e-mail backend, webhooks over HTTP(S) with each platform's signing.

>>> dingtalk_sign("SECexample", 1700000000000)
'uroalHrWHORz59talE1o26b8HuX2kOp8WlAN91F9Pj0%3D'
>>> feishu_sign("example", 1700000000)
'IDYtqgwsyU5irwQ/8nvd4ncBjc/KPCpVGkxbLfWDsyg='
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

TIMEOUT_SECONDS = 10
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


class DeliveryError(Exception):
    """A message that did not go through; the text is kept as the delivery's last error."""


def _env(name: str, fallback: Any) -> Any:
    value = os.environ.get(name)
    return fallback if value is None or value == "" else value


def _flag(name: str, fallback: bool) -> bool:
    value = os.environ.get(name)
    return fallback if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def send_email(to: str, subject: str, text: str, html: str) -> None:
    """One e-mail over SMTP (HUIKUAN_SMTP_* from the environment, else Django's EMAIL_* settings)."""
    if not to:
        raise DeliveryError("收件人没有登记邮箱")
    connection = get_connection(
        backend=_env("HUIKUAN_EMAIL_BACKEND", SMTP_BACKEND),
        host=_env("HUIKUAN_SMTP_HOST", settings.EMAIL_HOST),
        port=int(_env("HUIKUAN_SMTP_PORT", settings.EMAIL_PORT)),
        username=_env("HUIKUAN_SMTP_USER", settings.EMAIL_HOST_USER),
        password=_env("HUIKUAN_SMTP_PASSWORD", settings.EMAIL_HOST_PASSWORD),
        use_tls=_flag("HUIKUAN_SMTP_TLS", settings.EMAIL_USE_TLS),
        use_ssl=_flag("HUIKUAN_SMTP_SSL", settings.EMAIL_USE_SSL),
        timeout=TIMEOUT_SECONDS,
        fail_silently=False,
    )
    sender = _env("HUIKUAN_EMAIL_FROM", settings.DEFAULT_FROM_EMAIL)
    message = EmailMultiAlternatives(subject, text, sender, [to], connection=connection)
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (OSError, ValueError) as exc:  # smtplib errors are OSError subclasses
        raise DeliveryError(f"邮件发送失败：{exc}") from exc


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉加签: base64(HMAC-SHA256(key=secret, msg="timestamp\\nsecret")), URL-encoded."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def dingtalk_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    if not secret:
        return url
    ts = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={ts}&sign={dingtalk_sign(secret, ts)}"


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """飞书签名校验: base64(HMAC-SHA256(key="timestamp\\nsecret", msg=empty))."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def feishu_payload(payload: dict[str, Any], secret: str, timestamp_s: int | None = None) -> dict[str, Any]:
    if not secret:
        return payload
    ts = timestamp_s if timestamp_s is not None else int(time.time())
    return {"timestamp": str(ts), "sign": feishu_sign(secret, ts), **payload}


def post_json(url: str, payload: dict[str, Any]) -> dict[str, Any]:
    """POST JSON; raise DeliveryError unless the platform answers 2xx with a zero error code."""
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise DeliveryError(f"Webhook 地址必须是 http(s)：{scheme or '无协议'}")
    data = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            raw = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"Webhook 返回 HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(f"Webhook 无法连接：{getattr(exc, 'reason', exc)}") from exc
    try:
        answer = json.loads(raw or b"{}")
    except ValueError as exc:
        raise DeliveryError("Webhook 返回的不是 JSON") from exc
    if not isinstance(answer, dict):
        raise DeliveryError("Webhook 返回格式无法识别")
    # WeCom and DingTalk answer {"errcode": 0}; Feishu {"code": 0} (older: {"StatusCode": 0}).
    for key in ("errcode", "code", "StatusCode"):
        if key in answer and answer[key] not in (0, "0"):
            message = answer.get("errmsg") or answer.get("msg") or answer.get("StatusMessage") or ""
            raise DeliveryError(f"平台拒绝消息：{key}={answer[key]} {message}".strip())
    return answer
