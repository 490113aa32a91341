"""Reason registry: every code the judgement rules emit is registered, translated and documented."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import re
import string
import sys
import types
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from huikuan.core import (
    discount,
    inputs,
    nature,
    negotiation,
    priority,
    readiness,
    sanctions,
    strategy,
    wording,
)
from huikuan.core.reasons import (
    CORE_MODULES,
    Reason,
    all_codes,
    build_registry,
    describe,
    describe_all,
    registry,
)
from huikuan.core.tables import DEFAULT_TABLES

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "src" / "huikuan" / "core"
MY_MODULES = (
    "readiness",
    "nature",
    "inputs",
    "strategy",
    "discount",
    "sanctions",
    "priority",
    "wording",
    "negotiation",
)
AS_OF = date(2026, 3, 2)


# --- Reason and describe -------------------------------------------------------------------


def test_reason_params_are_read_only_and_serialisable() -> None:
    params = {"day": 25}
    r = Reason("book_close_window", params)
    params["day"] = 1
    assert r.params["day"] == 25
    with pytest.raises(TypeError):
        r.params["day"] = 2  # type: ignore[index]
    assert r.as_dict() == {"code": "book_close_window", "params": {"day": 25}}


def test_describe_fills_placeholders_in_both_languages() -> None:
    r = Reason("open_blocking_issue", {"count": 2})
    assert describe(r) == "有 2 个影响付款的问题未解决，先解决再催款"
    assert describe(r, "en") == "2 open issue(s) block payment; resolve them first"
    assert describe(r, "zh-Hans") == describe(r, "zh_CN") == describe(r)


def test_describe_translates_labels_and_joins_lists() -> None:
    r = Reason("missing_contract_facts", {"missing": ("project_name", "signed_on")})
    assert describe(r) == "交易信息不完整：项目名称、签订日期"
    assert describe(r, "en") == "contract facts incomplete: project name, signing date"


def test_describe_formats_rates_dates_and_decimals() -> None:
    r = Reason("discount_worthwhile", {"offer": Decimal("0.015"), "break_even": Decimal("0.024809")})
    assert describe(r, "en") == "can pay now: cash discount up to 1.5% (break-even 2.48%)"
    r = Reason("paused_until", {"until": date(2026, 4, 1), "reason": "promise"})
    assert describe(r) == "暂停催款至 2026-04-01（付款承诺）"


def test_describe_keeps_a_missing_placeholder_visible_and_unknown_codes_as_is() -> None:
    assert (
        describe(Reason("open_blocking_issue"), "en")
        == "{count} open issue(s) block payment; resolve them first"
    )
    assert describe(Reason("broken_promises", {"count": 1}), "en").endswith("({points})")
    assert describe(Reason("code_from_the_future", {"x": 1})) == "code_from_the_future"


def test_describe_rejects_unknown_languages() -> None:
    with pytest.raises(ValueError, match="language"):
        describe(Reason("missing_payer"), "fr")


def test_describe_all_keeps_order() -> None:
    got = describe_all([Reason("missing_payer"), Reason("missing_acceptor")], "en")
    assert got == ["no payment owner (payer) recorded", "no acceptor recorded"]


# --- registry ------------------------------------------------------------------------------


def _fake(name: str, reasons: dict[str, tuple[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType(f"huikuan.core.{name}")
    module.REASONS = reasons  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, f"huikuan.core.{name}", module)


def test_registry_merges_modules_and_reports_conflicting_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake("fake_a", {"x_code": ("甲", "a"), "same": ("同", "same")}, monkeypatch)
    _fake("fake_b", {"x_code": ("乙", "b"), "same": ("同", "same"), "y_code": ("丙", "c")}, monkeypatch)
    reg = build_registry(["fake_a", "fake_b", "never_written"])
    assert reg.modules == ("fake_a", "fake_b")
    assert reg.texts["x_code"] == ("甲", "a")  # first module wins
    assert reg.conflicts == ("x_code",)
    assert reg.sources["same"] == ("fake_a", "fake_b")
    assert describe(Reason("y_code"), "en", reg=reg) == "c"


def test_registry_skips_missing_modules_but_not_broken_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def broken(name: str, package: str | None = None) -> types.ModuleType:
        if name == "huikuan.core.half_written":
            raise ModuleNotFoundError("No module named 'yaml'", name="yaml")
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", broken)
    with pytest.raises(ModuleNotFoundError, match="yaml"):
        build_registry(["half_written"])
    assert build_registry(["not_there_yet"]).modules == ()


def test_full_registry_has_no_conflicting_texts() -> None:
    assert build_registry().conflicts == ()


def test_every_core_module_with_reasons_is_listed() -> None:
    declaring = set()
    for path in CORE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            target = node.target if isinstance(node, ast.AnnAssign) else None
            if isinstance(node, ast.Assign):
                target = node.targets[0]
            if isinstance(target, ast.Name) and target.id == "REASONS":
                declaring.add(path.stem)
    assert declaring - {"reasons"} <= set(CORE_MODULES)


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@pytest.mark.parametrize("module_name", MY_MODULES)
def test_my_codes_have_both_languages_with_the_same_placeholders(module_name: str) -> None:
    module = importlib.import_module(f"huikuan.core.{module_name}")
    for code, (zh, en) in module.REASONS.items():
        assert code == code.lower() and " " not in code
        assert zh.strip() and en.strip(), code
        assert _fields(zh) == _fields(en), code
        assert registry().texts[code] == (zh, en)
    assert set(module.REASONS) <= all_codes()


def _literal_reason_codes(path: Path) -> set[str]:
    codes = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "Reason"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            codes.add(node.args[0].value)
    return codes


@pytest.mark.parametrize("module_name", MY_MODULES)
def test_every_literal_reason_is_declared_by_its_module(module_name: str) -> None:
    module = importlib.import_module(f"huikuan.core.{module_name}")
    assert _literal_reason_codes(CORE / f"{module_name}.py") <= set(module.REASONS)


def test_table_driven_codes_are_declared() -> None:
    assert set(DEFAULT_TABLES.readiness.steps) <= set(readiness.REASONS)
    assert set(DEFAULT_TABLES.nature.points) <= set(nature.REASONS)
    assert {r.code for r in wording.DEFAULT_RULES} <= set(wording.REASONS)


# --- everything the rules emit --------------------------------------------------------------


def _emitted() -> Iterator[Reason]:
    complete = readiness.complete_snapshot
    snaps = [
        readiness.ReadinessSnapshot(
            milestone_kind="delivery", trigger_fired=False, open_blocking_issues=("x",)
        ),
        readiness.ReadinessSnapshot(
            milestone_kind="acceptance",
            last_confirmation_on=date(2025, 1, 1),
            key_contacts_availability_known=False,
        ),
        complete(invoices=(readiness.InvoiceFact("1", "issued"), readiness.InvoiceFact("2", "red_reversed"))),
        complete(invoices=(readiness.InvoiceFact("2", "red_reversed"),)),
    ]
    for snap in snaps:
        yield from (g.reason for g in readiness.readiness_gaps(snap, AS_OF))

    nfacts = [
        nature.NatureFacts(dispute_open=True),
        nature.NatureFacts(
            broken_promise_dates=(AS_OF,),
            on_time_share=0.9,
            last_stamped_confirmation_on=AS_OF,
            last_payment_on=AS_OF,
            answered_last_contact=True,
            known_budget_delay=True,
            funds_tight_cooperative=True,
        ),
        nature.NatureFacts(),
        nature.NatureFacts(evasion_recorded=True),
        nature.NatureFacts(refuses_to_stamp=True, denies_debt=True),
        nature.NatureFacts(pays_others_not_us=True, denies_debt=True, malicious_confirmed_by="li"),
    ]
    for nf in nfacts:
        yield from nature.classify_nature(nf, AS_OF).reasons

    yield from inputs.risk("unknown", 10).reasons
    yield from inputs.risk("unknown", 10, model_probability=0.3).reasons
    for args in [(10, None, 5.0), (10, 90.0, None), (10, None, None)]:
        yield from inputs.expected_days_to_pay(*args).reasons
    ev = inputs.EvidenceFacts(True, True, True, True, True, True, AS_OF, None)
    yield from inputs.evidence_complete(ev).reasons
    yield from inputs.evidence_complete(
        inputs.EvidenceFacts(False, False, True, False, True, False, None, AS_OF)
    ).reasons
    for funds in ("ample", "tight", None):
        yield from inputs.can_pay_now(funds, True, 2027, AS_OF).reasons
    yield from inputs.can_pay_now("normal", False, None, AS_OF).reasons
    for rel, n in [("strategic", 0), ("normal", 2), (None, 0)]:
        yield from inputs.future_business(rel, n).reasons
    yield from inputs.cost_of_money(0.03).reasons

    base = strategy.Situation(as_of=AS_OF, nature="non_malicious", open_amount=Decimal("100000.00"))
    situations: list[dict[str, Any]] = [
        {"limitation_expires_on": AS_OF + timedelta(days=10)},
        {"limitation_expires_on": AS_OF - timedelta(days=10)},
        {"pause_until": AS_OF + timedelta(days=3), "pause_reason": "dispute"},
        {"nature": "disputed"},
        {"gaps": (readiness.Gap("trigger_not_fired", "block", "A3", {"event": "acceptance"}),)},
        {"nature": "malicious"},
        {"nature": "malicious", "evidence_complete": True, "next_sanction": "legal"},
        {"funds_status": "tight"},
        {"budget_delay": True, "next_window_on": AS_OF},
        {"budget_delay": True, "sme_protected": True},
        {"future_business": True},
        {"can_pay_now": True, "risk": 0.05, "expected_days": 90.0},
        {"nature": "unknown"},
        {"unanswered_reminders": 2},
        {},
    ]
    for change in situations:
        yield from strategy.recommend(dataclasses.replace(base, **change)).reasons
    for d in ("0.07", "0.06", "0.01"):
        yield from discount.evaluate_discount(Decimal(d), Decimal("100000.00"), 0.05, 90, 0.06).reasons

    sbase = sanctions.SanctionFacts(nature="non_malicious", days_overdue=10, open_amount=Decimal("100.00"))
    sfacts: list[dict[str, Any]] = [
        {},
        {"broken_promises": 1, "days_overdue": 100, "legal_basis": "art_527"},
        {"legal_basis": "contract_clause", "days_overdue": 100},
        {"legal_basis": "art_526", "notice_sent_on": AS_OF, "service_terms_allow_stop": True},
        {
            "nature": "malicious",
            "evidence_complete": True,
            "limitation_expires_on": AS_OF,
            "open_amount": Decimal("100000.00"),
            "reputation_facts_only": True,
            "legal_review_done": True,
        },
        {"limitation_expires_on": AS_OF - timedelta(days=1)},
    ]
    for change in sfacts:
        for a in sanctions.assess_ladder(dataclasses.replace(sbase, **change), AS_OF):
            yield from a.reasons
    yield from sanctions.rungs_to_lift(frozenset({"legal"}), Decimal("0.00"))

    yield from priority.priority(
        Decimal("1.00"),
        0.1,
        days_overdue=1,
        as_of=AS_OF,
        limitation_expires_on=AS_OF,
        broken_promise=True,
        workdays_to_window_close=1,
    ).reasons

    for text, nat, purpose in [
        ("合同 起诉 老赖", "non_malicious", "message"),
        ("好", "non_malicious", "message"),
        ("合同", "malicious", "message"),
        ("合同", "unknown", "legal_letter"),
    ]:
        yield from wording.lint(text, nature=nat, purpose=purpose).reasons

    mctx = negotiation.MeetingContext(
        as_of=AS_OF,
        strategy="discount",
        open_amount=Decimal("10.00"),
        project_name="P",
        milestone="delivery",
        due_on=AS_OF,
        contact_role="payer",
        achievements=(negotiation.Achievement("t", AS_OF, True),),
    )
    for strat in ("discount", "payment_plan", "exchange", "timing", "resolve_issue_first", "remind"):
        for achievements in ((), mctx.achievements):
            plan = negotiation.plan_meeting(
                dataclasses.replace(mctx, strategy=strat, achievements=achievements)
            )
            for stage in plan.stages:
                yield from stage.items


EMITTED = list(_emitted())


def test_every_code_my_rules_emit_is_registered_in_both_languages() -> None:
    texts = registry().texts
    for r in EMITTED:
        assert r.code in texts, r.code
        zh, en = texts[r.code]
        assert zh and en


def test_every_emitted_reason_renders_without_unfilled_placeholders() -> None:
    for r in EMITTED:
        for lang in ("zh-hans", "en"):
            text = describe(r, lang)
            assert "{" not in text and "}" not in text, (r, lang, text)


def test_every_declared_code_of_mine_is_emitted_somewhere() -> None:
    declared = set()
    for m in (readiness, nature, inputs, strategy, discount, sanctions, priority, wording, negotiation):
        declared |= set(m.REASONS)
    assert declared - {r.code for r in EMITTED} == set()


def test_method_doc_tables_every_code_of_the_registry() -> None:
    doc = (ROOT / "docs" / "method.md").read_text(encoding="utf-8")
    _, heading, table = doc.partition("## 原因代码一览 / All reason codes")
    assert heading, "docs/method.md lost its table of all reason codes"
    tabled = set(re.findall(r"^\| `([a-z0-9_]+)` \|", table, re.MULTILINE))
    assert sorted(all_codes() - tabled) == []
    assert "method-time.md" not in doc  # merged into method.md: no link to the old page
