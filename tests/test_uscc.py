"""统一社会信用代码 validation on real-format codes (GB 32100-2015)."""

import pytest
from django.core.exceptions import ValidationError

from huikuan.core.uscc import (
    AUTHORITY,
    CHARSET,
    CHECK_DIGIT,
    DIVISION,
    LENGTH,
    ORG_CODE_CHECK,
    check_character,
    validate_uscc,
)
from huikuan.ledger.models.parties import validate_uscc_field

# Published codes of well-known companies and institutions.
VALID = [
    "91110000802100433B",  # 中国移动通信集团有限公司
    "91440300708461136T",  # 华为技术有限公司
    "91310000132200821H",  # 上海汽车集团股份有限公司
    "91350100M000100Y43",  # the standard's worked example
    "12100000400000624D",  # a public institution (事业单位)
]


@pytest.mark.parametrize("code", VALID)
def test_real_codes_are_valid(code: str) -> None:
    assert validate_uscc(code) == []


def test_lower_case_and_spaces_are_normalised() -> None:
    assert validate_uscc(" 91440300708461136t ") == []


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("9144030070846113", LENGTH),
        ("91440300708461136TX", LENGTH),
        ("91440300708461136I", CHARSET),  # I is never used
        ("9144030070846113OT", CHARSET),  # O neither
        ("91440300708461136S", CHARSET),
        ("Z1440300708461136T", CHARSET),
        ("91440300708461136A", CHECK_DIGIT),
    ],
)
def test_each_kind_of_invalid_code(code: str, error: str) -> None:
    assert error in validate_uscc(code)


def test_unknown_registration_authority() -> None:
    code17 = "94440300708461136"  # authority 9 has no organisation type 4
    assert AUTHORITY in validate_uscc(code17 + check_character(code17))


def test_division_must_be_digits() -> None:
    code17 = "9144A300708461136"
    assert DIVISION in validate_uscc(code17 + check_character(code17))


def test_organisation_code_check_is_verified_for_market_entities() -> None:
    code17 = "91440300708461137"  # organisation code 70846113-7 has check 6, not 7
    assert validate_uscc(code17 + check_character(code17)) == [ORG_CODE_CHECK]


def test_model_validator_gives_chinese_message() -> None:
    with pytest.raises(ValidationError) as info:
        validate_uscc_field("91440300708461136A")
    assert "校验位" in info.value.messages[0]
