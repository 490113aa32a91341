"""统一社会信用代码 (unified social credit code) validation per GB 32100-2015.

An 18-character code: registration authority (1), organisation type (1), administrative
division (6 digits), organisation code (9, itself with a GB 11714 check character) and a
final check character computed over the first 17 with weights 3^i mod 31.

>>> validate_uscc("91350100M000100Y43")
[]
>>> validate_uscc("91350100M000100Y44")
['check_digit']
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # I, O, S, V, Z are never used
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]

# First character: registration authority; second: organisation type within it.
_TYPES = {
    "1": "1239",  # 机构编制
    "2": "19",  # 外交
    "3": "1234589",  # 司法行政
    "4": "19",  # 文化
    "5": "1239",  # 民政
    "6": "129",  # 旅游
    "7": "129",  # 宗教
    "8": "19",  # 工会
    "9": "123",  # 工商
    "A": "19",  # 中央军委改革和编制办公室
    "N": "123459",  # 农业
    "Y": "1",  # 其他
}

# Error codes, stable (the UI translates them).
LENGTH = "length"
CHARSET = "charset"
AUTHORITY = "authority"
DIVISION = "division"
CHECK_DIGIT = "check_digit"
ORG_CODE_CHECK = "org_code_check"

MESSAGES_ZH = {
    LENGTH: "统一社会信用代码应为18位",
    CHARSET: "统一社会信用代码只能包含数字和大写字母（不含I、O、S、V、Z）",
    AUTHORITY: "登记管理部门码或机构类别码无效",
    DIVISION: "第3至8位应为6位行政区划码",
    CHECK_DIGIT: "统一社会信用代码校验位不正确",
    ORG_CODE_CHECK: "第9至17位组织机构代码的校验位不正确",
}


def check_character(first17: str) -> str:
    """The 18th character for the first 17."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def _org_code_check(org8: str) -> str:
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c, 36) * w for c, w in zip(org8, weights, strict=True))
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def normalise(code: str) -> str:
    return code.strip().upper()


def validate_uscc(code: str) -> list[str]:
    """Error codes for ``code`` (empty list when valid). Lower case is accepted and upper-cased."""
    code = normalise(code)
    if len(code) != 18:
        return [LENGTH]
    if any(c not in _VALUE for c in code):
        return [CHARSET]
    errors = []
    if code[1] not in _TYPES.get(code[0], ""):
        errors.append(AUTHORITY)
    if not code[2:8].isdigit():
        errors.append(DIVISION)
    if check_character(code[:17]) != code[17]:
        errors.append(CHECK_DIGIT)
    elif code[0] == "9" and _org_code_check(code[8:16]) != code[16]:
        # Only market entities registered with 工商 carry a GB 11714 organisation code here.
        errors.append(ORG_CODE_CHECK)
    return errors


def is_valid_uscc(code: str) -> bool:
    return not validate_uscc(code)
