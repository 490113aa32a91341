"""D3 wording linter: in drafts for debts not known to be malicious, avoid "合同" and threats.

The method says a non-malicious customer is a partner with a problem: talk about "our
agreement" (双方约定), not "the contract", and never threaten or humiliate. Each finding gives
its position (character offsets), the phrase, softer suggestions and a reason code. Letters
for legal steps (lawyer letter, payment order, suit) are exempt, and drafts for a malicious
debt are not linted (firm language is then appropriate).

>>> result = lint("请按合同约定付款，否则后果自负。", nature="non_malicious")
>>> for f in result.findings:
...     print(f.start, f.phrase, f.suggestions[0], f.code)
2 合同 双方约定 avoid_word_contract
9 否则 如有困难请告诉我们 threatening_phrase
11 后果自负 还请您尽快安排 threatening_phrase
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from huikuan.core.reasons import Reason

Purpose = Literal[
    "message", "call_script", "email", "letter", "confirmation", "demand", "plan", "legal_letter"
]

REASONS: dict[str, tuple[str, str]] = {
    "avoid_word_contract": (
        "非恶意欠款尽量不提“合同”二字：“{phrase}”可改为“{suggestion}”",
        "for a non-malicious debt avoid the word 合同 (contract): say “{suggestion}” instead of “{phrase}”",
    ),
    "threatening_phrase": (
        "威胁性用语“{phrase}”会伤害关系，可改为“{suggestion}”",
        "threatening phrase “{phrase}” harms the relationship; try “{suggestion}”",
    ),
    "humiliating_phrase": (
        "贬损性用语“{phrase}”不得使用，可改为“{suggestion}”",
        "humiliating phrase “{phrase}” must not be used; try “{suggestion}”",
    ),
    "wording_exempt_legal_letter": ("法律程序文书不做措辞检查", "letters for legal steps are not linted"),
    "wording_not_linted_malicious": ("恶意欠款不做措辞检查", "drafts for a malicious debt are not linted"),
    "wording_clean": ("措辞检查通过", "wording check passed"),
}


@dataclass(frozen=True, slots=True)
class PhraseRule:
    """A phrase to flag, softer alternatives (best first), and the reason code."""

    phrase: str
    suggestions: tuple[str, ...]
    code: str


# Data, not code: a company may pass its own list. Longer phrases win over shorter ones that
# start at the same place (律师函 before 律师), so each text span is reported once.
DEFAULT_RULES: tuple[PhraseRule, ...] = (
    PhraseRule("合同", ("双方约定", "我们的约定"), "avoid_word_contract"),
    PhraseRule("违约", ("未按约定时间", "没有按约定安排"), "avoid_word_contract"),
    PhraseRule("起诉", ("进一步沟通解决办法",), "threatening_phrase"),
    PhraseRule("诉讼", ("进一步沟通解决办法",), "threatening_phrase"),
    PhraseRule("法院", ("正式渠道",), "threatening_phrase"),
    PhraseRule("律师函", ("正式的对账函",), "threatening_phrase"),
    PhraseRule("律师", ("我们的财务同事",), "threatening_phrase"),
    PhraseRule("追究法律责任", ("希望友好协商解决",), "threatening_phrase"),
    PhraseRule("法律责任", ("希望友好协商解决",), "threatening_phrase"),
    PhraseRule("强制执行", ("请您协助安排付款",), "threatening_phrase"),
    PhraseRule("最后通牒", ("诚挚提醒", "再次提醒"), "threatening_phrase"),
    PhraseRule("后果自负", ("还请您尽快安排", "如有困难请告诉我们"), "threatening_phrase"),
    PhraseRule("否则", ("如有困难请告诉我们",), "threatening_phrase"),
    PhraseRule("限期", ("希望在", "请在"), "threatening_phrase"),
    PhraseRule("黑名单", ("暂缓新的合作安排",), "threatening_phrase"),
    PhraseRule("曝光", ("与贵司进一步沟通",), "threatening_phrase"),
    PhraseRule("失信", ("尚未结清",), "threatening_phrase"),
    PhraseRule("老赖", ("贵司",), "humiliating_phrase"),
    PhraseRule("赖账", ("款项尚未结清",), "humiliating_phrase"),
    PhraseRule("欠债不还", ("款项尚未结清",), "humiliating_phrase"),
    PhraseRule("讨债", ("沟通款项安排",), "humiliating_phrase"),
    PhraseRule("没有诚信", ("我们希望彼此信任",), "humiliating_phrase"),
    PhraseRule("骗子", ("贵司",), "humiliating_phrase"),
)

EXEMPT_PURPOSES: frozenset[str] = frozenset({"legal_letter"})


@dataclass(frozen=True, slots=True)
class Finding:
    """One flagged phrase: ``text[start:end] == phrase``."""

    start: int
    end: int
    phrase: str
    suggestions: tuple[str, ...]
    code: str

    @property
    def reason(self) -> Reason:
        return Reason(
            self.code, {"phrase": self.phrase, "suggestion": self.suggestions[0], "start": self.start}
        )


@dataclass(frozen=True, slots=True)
class LintResult:
    """Findings in text order, and one reason when the draft was not linted or is clean."""

    findings: tuple[Finding, ...]
    reasons: tuple[Reason, ...]

    @property
    def clean(self) -> bool:
        return not self.findings


def find_phrases(text: str, rules: tuple[PhraseRule, ...] = DEFAULT_RULES) -> tuple[Finding, ...]:
    """Every rule phrase in ``text``, left to right, longest match first, never overlapping.

    >>> [f.phrase for f in find_phrases("我们将寄送律师函并追究法律责任")]
    ['律师函', '追究法律责任']
    """
    by_first: dict[str, list[PhraseRule]] = {}
    for rule in sorted(rules, key=lambda r: -len(r.phrase)):
        if rule.phrase:
            by_first.setdefault(rule.phrase[0], []).append(rule)
    found: list[Finding] = []
    i = 0
    while i < len(text):
        for rule in by_first.get(text[i], ()):
            if text.startswith(rule.phrase, i):
                end = i + len(rule.phrase)
                found.append(Finding(i, end, rule.phrase, rule.suggestions, rule.code))
                i = end
                break
        else:
            i += 1
    return tuple(found)


def lint(
    text: str,
    *,
    nature: str,
    purpose: Purpose | str = "message",
    rules: tuple[PhraseRule, ...] = DEFAULT_RULES,
    exempt_purposes: frozenset[str] = EXEMPT_PURPOSES,
) -> LintResult:
    """Lint a draft for a receivable of the given debt ``nature`` and ``purpose``.

    >>> lint("请尽快安排起诉前的和解", nature="non_malicious", purpose="legal_letter").reasons[0].code
    'wording_exempt_legal_letter'
    >>> lint("老赖", nature="malicious").findings
    ()
    """
    if purpose in exempt_purposes:
        return LintResult((), (Reason("wording_exempt_legal_letter"),))
    if nature == "malicious":
        return LintResult((), (Reason("wording_not_linted_malicious"),))
    findings = find_phrases(text, rules)
    if not findings:
        return LintResult((), (Reason("wording_clean"),))
    return LintResult(findings, tuple(f.reason for f in findings))
