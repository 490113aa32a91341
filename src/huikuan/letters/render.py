"""Rendering: docxtpl templates (a company's own in ``var/templates/`` win) and PDF via LibreOffice.

LibreOffice runs headless with its own profile directory in a temporary folder
(``-env:UserInstallation``): two conversions at once would otherwise fight over the user's
profile lock and one would silently produce nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from io import BytesIO
from pathlib import Path
from typing import Any

from django.conf import settings

from huikuan.letters.common import LetterError

DEFAULT_DIR = Path(__file__).resolve().parent / "templates"
PDF_TIMEOUT_SECONDS = 180


def override_dir() -> Path:
    return Path(settings.VAR_DIR) / "templates"


def template_path(name: str) -> Path:
    """The company's ``var/templates/<name>`` when present, else the default shipped with huikuan."""
    own = override_dir() / name
    if own.is_file():
        return own
    default = DEFAULT_DIR / name
    if not default.is_file():
        raise LetterError(f"找不到函件模板：{name}")
    return default


def render_docx(name: str, context: dict[str, Any]) -> bytes:
    """The filled-in .docx as bytes. Values are XML-escaped (a customer called "A&B" stays valid)."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError

    path = template_path(name)
    template = DocxTemplate(str(path))
    try:
        template.render(context, autoescape=True)
    except TemplateError as exc:
        raise LetterError(f"函件模板 {path} 有误：{exc}") from exc
    out = BytesIO()
    template.save(out)
    return out.getvalue()


def soffice_binary() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise LetterError(
        "未找到 LibreOffice（soffice），无法生成 PDF。请安装 Debian 软件包 libreoffice-writer-nogui，或改为输出 .docx。"
    )


def docx_to_pdf(docx: bytes) -> bytes:
    """Convert with ``soffice --headless --convert-to pdf`` in a private profile and folder."""
    binary = soffice_binary()
    with tempfile.TemporaryDirectory(prefix="huikuan-pdf-") as tmp:
        work = Path(tmp)
        source = work / "letter.docx"
        source.write_bytes(docx)
        profile = (work / "profile").as_uri()
        command = [
            binary,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=PDF_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as exc:
            raise LetterError(f"LibreOffice 转换 PDF 超时（{PDF_TIMEOUT_SECONDS} 秒）") from exc
        pdf = work / "out" / "letter.pdf"
        if result.returncode != 0 or not pdf.is_file():
            detail = (result.stderr or result.stdout).strip()[-500:]
            raise LetterError(f"LibreOffice 转换 PDF 失败：{detail or result.returncode}")
        return pdf.read_bytes()


def output_bytes(name: str, context: dict[str, Any], suffix: str) -> bytes:
    """The letter as ``.docx`` or ``.pdf`` bytes."""
    docx = render_docx(name, context)
    if suffix == ".pdf":
        return docx_to_pdf(docx)
    if suffix == ".docx":
        return docx
    raise LetterError(f"输出文件应为 .docx 或 .pdf：{suffix or '（无扩展名）'}")
