"""What `huikuan serve` and `huikuan worker` check before they start: a real secret key and no debug
pages, unless the instance is a demo (`huikuan demo`, or HUIKUAN_DEMO=1)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)

# Values people paste from examples; a key containing one of them is refused whatever its length.
PLACEHOLDERS = ("changeme", "change-me", "change_me", "replace-me", "your-secret", "secret-key", "example")


def demo_mode() -> bool:
    return bool(getattr(settings, "DEMO", False)) or os.environ.get("HUIKUAN_DEMO", "") in {
        "1",
        "true",
        "yes",
    }


def weak_key_reason(key: str) -> str | None:
    """Why ``key`` is too weak to sign sessions and CSRF tokens, or None."""
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"少于 {SECRET_KEY_MIN_LENGTH} 个字符 / shorter than {SECRET_KEY_MIN_LENGTH} characters"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return "字符种类太少 / too few distinct characters"
    lowered = key.lower()
    if lowered.startswith(SECRET_KEY_INSECURE_PREFIX) or any(p in lowered for p in PLACEHOLDERS):
        return "是示例或占位值 / it is an example or placeholder value"
    return None


def configuration_problems() -> list[str]:
    """Reasons not to start a production server or worker (empty in demo mode or when all is well)."""
    if demo_mode():
        return []
    problems = []
    if not settings.SECRET_KEY_FROM_ENVIRONMENT:
        problems.append(
            "未设置 HUIKUAN_SECRET_KEY。请设置一个至少 50 个字符的随机值，例如："
            'python3 -c "import secrets; print(secrets.token_urlsafe(50))"'
            " / HUIKUAN_SECRET_KEY is not set; set it to a random value of at least 50 characters"
            " (演示请用 huikuan demo / for a demo use huikuan demo)"
        )
    elif reason := weak_key_reason(settings.SECRET_KEY):
        problems.append(f"HUIKUAN_SECRET_KEY 太弱：{reason} / HUIKUAN_SECRET_KEY is too weak")
    if settings.DEBUG:
        problems.append(
            "HUIKUAN_DEBUG=1 只能用于演示，调试页面会泄露数据 / HUIKUAN_DEBUG=1 is for demos only: debug pages leak data"
        )
    return problems


def require_safe_configuration(command: str) -> None:
    """Raise CommandError (exit status 1) naming every problem, so a misconfigured server never starts."""
    from huikuan.cli import CommandError

    if problems := configuration_problems():
        raise CommandError(f"{command} 无法启动 / cannot start:\n  " + "\n  ".join(problems))
