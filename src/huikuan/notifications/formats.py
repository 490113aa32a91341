"""One digest, rendered for each platform: e-mail (text + HTML), WeCom, DingTalk and Feishu.

>>> body = {"title": "今日待办", "sections": [["待办", ["1. 甲公司"]]], "link": ""}
>>> wecom(body)["markdown"]["content"]
'## 今日待办\\n**待办**\\n> 1. 甲公司'
>>> dingtalk(body)["markdown"]["title"]
'今日待办'
>>> feishu(body)["content"]["post"]["zh_cn"]["content"][0][0]["text"]
'【待办】'
"""

from __future__ import annotations

from html import escape
from typing import Any

WECOM_MAX_BYTES = 4000  # the platform refuses markdown over 4096 bytes
DINGTALK_MAX_CHARS = 5000


def _sections(body: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(str(h), [str(line) for line in lines]) for h, lines in body.get("sections", [])]


def _cut(text: str, max_bytes: int) -> str:
    raw = text.encode()
    if len(raw) <= max_bytes:
        return text
    return raw[: max_bytes - 12].decode(errors="ignore") + "\n……（已截断）"


def email_text(body: dict[str, Any]) -> str:
    parts = [body["title"], ""]
    for heading, lines in _sections(body):
        parts += [f"【{heading}】", *lines, ""]
    if body.get("link"):
        parts.append(f"打开 huikuan：{body['link']}")
    parts.append("—— huikuan 回款 每日提醒")
    return "\n".join(parts)


def email_html(body: dict[str, Any]) -> str:
    out = [f"<h2>{escape(body['title'])}</h2>"]
    for heading, lines in _sections(body):
        out.append(f"<h3>{escape(heading)}</h3><ul>")
        out += [f"<li>{escape(line)}</li>" for line in lines]
        out.append("</ul>")
    if body.get("link"):
        out.append(f'<p><a href="{escape(body["link"])}">打开 huikuan</a></p>')
    return "<html><body>" + "".join(out) + "</body></html>"


def _markdown(body: dict[str, Any], quote: str) -> str:
    parts = [f"## {body['title']}"]
    for heading, lines in _sections(body):
        parts.append(f"**{heading}**")
        parts += [f"{quote}{line}" for line in lines]
    if body.get("link"):
        parts.append(f"[打开 huikuan]({body['link']})")
    return "\n".join(parts)


def wecom(body: dict[str, Any]) -> dict[str, Any]:
    """企业微信群机器人: markdown message (the key in the webhook URL authenticates)."""
    return {"msgtype": "markdown", "markdown": {"content": _cut(_markdown(body, "> "), WECOM_MAX_BYTES)}}


def dingtalk(body: dict[str, Any]) -> dict[str, Any]:
    """钉钉群机器人: markdown with a title (signed in the URL, see transport.dingtalk_url)."""
    text = _markdown(body, "- ").replace("\n", "\n\n")
    return {"msgtype": "markdown", "markdown": {"title": body["title"], "text": text[:DINGTALK_MAX_CHARS]}}


def feishu(body: dict[str, Any]) -> dict[str, Any]:
    """飞书群机器人: a rich-text post (timestamp and sign are added by transport.feishu_payload)."""
    rows: list[list[dict[str, str]]] = []
    for heading, lines in _sections(body):
        rows.append([{"tag": "text", "text": f"【{heading}】"}])
        rows += [[{"tag": "text", "text": line}] for line in lines]
    if body.get("link"):
        rows.append([{"tag": "a", "text": "打开 huikuan", "href": body["link"]}])
    return {"msg_type": "post", "content": {"post": {"zh_cn": {"title": body["title"], "content": rows}}}}
