"""Templates: the shipped defaults are what scripts/build_letter_templates.py builds, a company's own
file in var/templates/ wins, and a letter converts to PDF with LibreOffice."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document as WordDocument

from conftest import World
from huikuan.letters.common import LetterError
from huikuan.letters.render import DEFAULT_DIR, render_docx, soffice_binary, template_path
from huikuan.letters.service import Target, generate
from letters.helpers import docx_text

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_letter_templates.py"
NAMES = ["confirmation.docx", "dunning.docx", "plan.docx", "lawyer.docx", "clauses.docx"]


def test_shipped_templates_match_the_build_script(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("build_letter_templates", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for name in NAMES:
        with zipfile.ZipFile(tmp_path / name) as built, zipfile.ZipFile(DEFAULT_DIR / name) as shipped:
            for part in ("word/document.xml", "word/header1.xml", "word/footer1.xml", "word/styles.xml"):
                assert built.read(part) == shipped.read(part), f"{name}:{part} — run {SCRIPT.name}"


def test_a_company_template_in_var_templates_wins(world: World, company, settings) -> None:
    own = Path(settings.VAR_DIR) / "templates"
    own.mkdir(parents=True)
    doc = WordDocument()
    doc.add_paragraph("本公司格式：{{ customer.name }} 欠 {{ total.figures }} 元（{{ total.upper }}）")
    doc.save(str(own / "confirmation.docx"))
    assert template_path("confirmation.docx") == own / "confirmation.docx"
    assert template_path("dunning.docx") == DEFAULT_DIR / "dunning.docx"
    from huikuan.letters.builders import confirmation_data

    data = confirmation_data(world.cust_a, date(2026, 3, 31), date(2026, 4, 1))
    assert docx_text(render_docx("confirmation.docx", data.context)).startswith(
        "本公司格式：杭州甲科技有限公司 欠 300.00 元（叁佰元整）"
    )


def test_a_broken_company_template_is_a_clear_error(company, settings) -> None:
    own = Path(settings.VAR_DIR) / "templates"
    own.mkdir(parents=True)
    doc = WordDocument()
    doc.add_paragraph("{% if %}")
    doc.save(str(own / "clauses.docx"))
    with pytest.raises(LetterError, match="函件模板"):
        render_docx("clauses.docx", {})


def test_missing_soffice_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(LetterError, match="libreoffice-writer-nogui"):
        soffice_binary()


def _soffice_or_skip() -> None:
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) must be installed in CI")
        pytest.skip("LibreOffice (soffice) not installed")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")


def test_a_dunning_letter_converts_to_pdf(world: World, company, tmp_path: Path) -> None:
    _soffice_or_skip()
    out = tmp_path / "催款函.pdf"
    generated = generate(
        Target("dunning", world.cust_a, world.cust_a.contracts.get()),
        as_of=date(2026, 3, 2),
        issued_on=date(2026, 3, 2),
        out=out,
    )
    assert out.read_bytes()[:5] == b"%PDF-" and generated.document.file.name.endswith(".pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    squeezed = "".join(text.split())
    for expected in (
        "催款函",
        "杭州甲科技有限公司",
        "HT-A-001",
        "300.00",
        "人民币叁佰元整",
        "招商银行杭州分行",
        "2026年3月17日",
    ):
        assert expected in squeezed, expected
