"""D3 wording linter: avoid 合同 and threats with non-malicious debts; legal letters are exempt."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huikuan.core.wording import DEFAULT_RULES, PhraseRule, find_phrases, lint


def test_linter_finds_contract_and_suggests_softer_text() -> None:
    text = "根据合同第五条，请贵司支付验收款。"
    result = lint(text, nature="non_malicious")
    (finding,) = result.findings
    assert (finding.start, finding.end, finding.phrase) == (2, 4, "合同")
    assert text[finding.start : finding.end] == "合同"
    assert finding.suggestions == ("双方约定", "我们的约定")
    assert finding.code == "avoid_word_contract"
    assert result.reasons[0].params == {"phrase": "合同", "suggestion": "双方约定", "start": 2}


@pytest.mark.parametrize(
    ("phrase", "code", "suggestion"),
    [
        ("起诉", "threatening_phrase", "进一步沟通解决办法"),
        ("法院", "threatening_phrase", "正式渠道"),
        ("律师函", "threatening_phrase", "正式的对账函"),
        ("黑名单", "threatening_phrase", "暂缓新的合作安排"),
        ("曝光", "threatening_phrase", "与贵司进一步沟通"),
        ("最后通牒", "threatening_phrase", "诚挚提醒"),
        ("后果自负", "threatening_phrase", "还请您尽快安排"),
        ("老赖", "humiliating_phrase", "贵司"),
    ],
)
def test_threatening_and_humiliating_phrases_are_flagged(phrase: str, code: str, suggestion: str) -> None:
    text = f"您好，{phrase}。"
    (finding,) = lint(text, nature="non_malicious").findings
    assert (finding.start, finding.phrase, finding.code, finding.suggestions[0]) == (
        3,
        phrase,
        code,
        suggestion,
    )


def test_findings_come_in_text_order_with_positions() -> None:
    text = "这是最后通牒：按合同付款，否则我们将起诉。"
    got = [(f.start, f.phrase) for f in lint(text, nature="unknown").findings]
    assert got == [(2, "最后通牒"), (8, "合同"), (13, "否则"), (18, "起诉")]


def test_longest_phrase_wins_at_the_same_position() -> None:
    assert [f.phrase for f in find_phrases("发出律师函")] == ["律师函"]
    assert [f.phrase for f in find_phrases("请律师处理")] == ["律师"]
    assert [f.phrase for f in find_phrases("将追究法律责任")] == ["追究法律责任"]


def test_legal_letters_are_exempt() -> None:
    result = lint(
        "如贵司仍不履行合同义务，我方将向法院起诉。", nature="non_malicious", purpose="legal_letter"
    )
    assert result.findings == ()
    assert [r.code for r in result.reasons] == ["wording_exempt_legal_letter"]


def test_malicious_debts_are_not_linted() -> None:
    result = lint("请按合同付款，否则将诉诸法院。", nature="malicious", purpose="demand")
    assert result.findings == ()
    assert result.reasons[0].code == "wording_not_linted_malicious"


def test_clean_text_passes_with_a_reason() -> None:
    result = lint("感谢贵司一直以来的支持，按双方约定，验收款已到期，烦请安排。", nature="non_malicious")
    assert result.clean
    assert result.reasons[0].code == "wording_clean"


def test_company_may_bring_its_own_phrase_list() -> None:
    rules = (*DEFAULT_RULES, PhraseRule("催款", ("回款沟通",), "threatening_phrase"))
    assert [f.phrase for f in lint("催款通知", nature="non_malicious", rules=rules).findings] == ["催款"]


def test_every_rule_has_a_suggestion_that_is_itself_clean() -> None:
    for rule in DEFAULT_RULES:
        assert rule.suggestions
        for suggestion in rule.suggestions:
            assert find_phrases(suggestion) == (), (rule.phrase, suggestion)


@given(st.text(alphabet="合同起诉法院律师函老赖否则限期约定您好，。abc", max_size=60))
def test_findings_point_at_their_phrase_and_never_overlap(text: str) -> None:
    findings = lint(text, nature="non_malicious").findings
    end = 0
    for f in findings:
        assert text[f.start : f.end] == f.phrase
        assert f.start >= end
        end = f.end
