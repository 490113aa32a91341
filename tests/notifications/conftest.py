"""Local servers for the notification tests: a real SMTP server (aiosmtpd) and a webhook receiver
(http.server in a thread), both on 127.0.0.1; and a ledger with a finished daily run."""

from __future__ import annotations

import json
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from conftest import World
from huikuan.analytics.run import run_daily

AS_OF = date(2026, 11, 27)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("HUIKUAN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("HUIKUAN_SMTP_PORT", str(port))
    monkeypatch.setenv("HUIKUAN_SMTP_TLS", "0")
    monkeypatch.setenv("HUIKUAN_EMAIL_FROM", "huikuan@example.cn")
    yield inbox
    controller.stop()


@dataclass
class Hit:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class Receiver:
    base: str
    hits: list[Hit] = field(default_factory=list)

    def on(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]


@pytest.fixture
def webhooks() -> Iterator[Receiver]:
    """Answers like the platforms: /wecom and /dingtalk {"errcode": 0}, /feishu {"code": 0},
    /refuse a platform error, /broken HTTP 500."""
    hits: list[Hit] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            hits.append(
                Hit(url.path, dict(urllib.parse.parse_qsl(url.query)), dict(self.headers), json.loads(raw))
            )
            if url.path == "/broken":
                self.send_response(500)
                self.end_headers()
                return
            answer = {
                "/feishu": {"code": 0, "msg": "success"},
                "/refuse": {"errcode": 310000, "errmsg": "sign not match"},
            }.get(url.path, {"errcode": 0, "errmsg": "ok"})
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver = Receiver(f"http://127.0.0.1:{server.server_address[1]}", hits)
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def morning(world: World, settings: Any) -> World:
    """The `world` with e-mail addresses, a finished run for AS_OF and no backoff waits."""
    for user, email in (
        (world.sales_a, "a@example.cn"),
        (world.sales_b, "b@example.cn"),
        (world.mgr_east, "m@example.cn"),
    ):
        user.email = email
        user.display_name = {"sales_a": "张三", "sales_b": "李四", "mgr_east": "王经理"}[user.username]
        user.save()
    settings.HUIKUAN_NOTIFY_BACKOFF_SECONDS = 0
    settings.HUIKUAN_NOTIFY_MAX_ATTEMPTS = 3
    run_daily(AS_OF, trigger="test")
    return world
