"""Letter tests: documents and templates in a temporary home; our letterhead, bank and law firm."""

from __future__ import annotations

from pathlib import Path

import pytest

from huikuan.ledger.models import CompanySettings
from huikuan.letters.models import LetterSettings


@pytest.fixture(autouse=True)
def _letter_home(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    return tmp_path


@pytest.fixture
def company(db: None) -> LetterSettings:
    cs = CompanySettings.current()
    cs.name = "杭州回款科技有限公司"
    cs.save()
    return LetterSettings.objects.create(
        pk=1,
        address="杭州市西湖区文三路1号",
        phone="0571-88888888",
        contact_person="王芳",
        bank_name="招商银行杭州分行",
        bank_account="571900000000001",
        signer="李四",
        law_firm="浙江明法律师事务所",
        law_firm_address="杭州市上城区庆春路8号",
        law_firm_phone="0571-66666666",
        lawyer="陈律",
        lawyer_licence="13301200000000001",
    )
