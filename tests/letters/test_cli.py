"""``huikuan letter …`` and ``huikuan evidence …`` exactly as FORMATS.md gives them: exit 0 on success,
1 on bad input (with the reason), 2 on a usage error; ``--receivable`` accepted by every kind."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from conftest import World
from huikuan.cli import main
from huikuan.collection.models import PaymentPlan, Promise
from huikuan.ledger.models import Document
from letters.helpers import D, contract, docx_text, receivables


@pytest.fixture
def today(monkeypatch) -> date:
    day = date(2026, 5, 20)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: day)
    return day


def run(*args: str) -> int:
    return main(["letter", *args]) if args[0] != "evidence" else main(list(args))


def test_each_kind_by_its_own_key(world: World, company, tmp_path: Path, today, capsys) -> None:
    c = world.cust_a.contracts.get()
    plan = PaymentPlan.objects.create(customer=world.cust_a, contract=c, total=D("1000.00"), status="active")
    Promise.objects.create(
        customer=world.cust_a, plan=plan, sequence=1, amount=D("1000.00"), promised_on=today
    )
    cases = [
        ("confirmation", "--customer", world.cust_a.pk, "balance_confirmation"),
        ("dunning", "--contract", c.pk, "demand"),
        ("plan", "--plan", plan.pk, "promise_letter"),
        ("lawyer", "--customer", world.cust_a.pk, "lawyer_letter"),
        ("lawyer", "--contract", c.pk, "lawyer_letter"),
    ]
    for n, (kind, flag, pk, doc_kind) in enumerate(cases):
        out = tmp_path / f"{n}-{kind}.docx"
        assert run(kind, flag, str(pk), "--out", str(out)) == 0
        assert docx_text(out)
        assert Document.objects.order_by("-pk").first().kind == doc_kind
    assert "已生成付款计划确认书" in capsys.readouterr().out


def test_receivable_resolves_to_customer_or_contract(world: World, company, tmp_path: Path, today) -> None:
    other = contract(world.cust_a, "HT-A-300", ("900.00",), (date(2026, 3, 1),))
    r = receivables(other)[0]
    plan = PaymentPlan.objects.create(customer=world.cust_a, total=D("900.00"), status="active")
    plan.receivables.add(r)
    Promise.objects.create(
        customer=world.cust_a, plan=plan, sequence=1, amount=D("900.00"), promised_on=today
    )
    for kind in ("confirmation", "dunning", "plan", "lawyer"):
        as_of = [] if kind == "plan" else ["--as-of", "2026-04-30"]
        assert run(kind, "--receivable", str(r.pk), *as_of, "--out", str(tmp_path / f"{kind}.docx")) == 0
    docs = {d.kind: d for d in Document.objects.all()}
    assert docs["balance_confirmation"].contract is None and docs["balance_confirmation"].covers_whole_balance
    assert (
        docs["balance_confirmation"].receivables.count() == 3
    )  # the whole balance: HT-A-001 ×2 and HT-A-300
    assert docs["demand"].contract == other and list(docs["demand"].receivables.all()) == [r]
    assert docs["lawyer_letter"].contract == other
    assert "HT-A-001" not in docx_text(tmp_path / "dunning.docx")


@pytest.mark.parametrize(
    "args",
    [
        ["confirmation", "--out", "x.docx"],  # no customer
        ["confirmation", "--customer", "1", "--receivable", "2", "--out", "x.docx"],  # two keys
        ["confirmation", "--customer", "1"],  # no --out
        ["confirmation", "--customer", "abc", "--out", "x.docx"],
        ["dunning", "--customer", "1", "--out", "x.docx"],  # dunning is per contract
        ["plan", "--customer", "1", "--out", "x.docx"],
        ["nonsense", "--out", "x.docx"],
        [],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["letter", *args])
    assert exc.value.code == 2


def test_bad_input_exits_1_with_the_reason(world: World, company, tmp_path: Path, today, capsys) -> None:
    assert run("confirmation", "--customer", "999999", "--out", str(tmp_path / "a.docx")) == 1
    assert "客户不存在：999999" in capsys.readouterr().err
    assert run("dunning", "--receivable", "999999", "--out", str(tmp_path / "a.docx")) == 1
    assert run("confirmation", "--customer", str(world.cust_a.pk), "--out", str(tmp_path / "a.txt")) == 1
    assert ".docx 或 .pdf" in capsys.readouterr().err
    assert (
        run("confirmation", "--customer", str(world.cust_a.pk), "--as-of", "2026/13/1", "--out", "a.docx")
        == 1
    )
    assert "日期格式" in capsys.readouterr().err
    assert (
        run("confirmation", "--customer", str(world.cust_a.pk), "--as-of", "2025-01-01", "--out", "a.docx")
        == 1
    )
    assert "没有未付余额" in capsys.readouterr().err
    assert not Document.objects.exists() and not list(tmp_path.glob("*.docx"))


def test_periodic_confirmations_default_to_last_quarter_end(
    world: World, company, tmp_path: Path, today
) -> None:
    out = tmp_path / "q1.zip"
    assert run("confirmations", "--out", str(out)) == 0  # today 20 May → as of 31 March
    docs = Document.objects.filter(kind="balance_confirmation")
    assert docs.count() == 3 and {d.customer for d in docs} == {world.cust_a, world.cust_b, world.cust_c}
    with zipfile.ZipFile(out) as bundle:
        names = bundle.namelist()
        assert len([n for n in names if n.endswith(".docx")]) == 3 and "清单.xlsx" in names
        sheet = openpyxl.load_workbook(io.BytesIO(bundle.read("清单.xlsx"))).active
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        letter = bundle.read(next(n for n in names if world.cust_a.name in n))
    assert {r[2] for r in rows} == {world.cust_a.name, world.cust_b.name, world.cust_c.name}
    assert all(r[3].date() == date(2026, 3, 31) and r[5] == D("300.00") for r in rows)
    assert "截至2026年3月31日" in docx_text(letter)


def test_clause_library(tmp_path: Path, company) -> None:
    out = tmp_path / "clauses.docx"
    assert main(["letter", "clauses", "--out", str(out)]) == 0
    text = docx_text(out)
    for title in ("分阶段付款", "部分验收、部分付款", "开票与付款时限", "逾期付款利息", "定期对账与回函义务"):
        assert title in text
    assert "视为验收合格" in text and "加盖公章或财务专用章后寄回乙方" in text


def test_evidence_command(world: World, company, tmp_path: Path, today, capsys) -> None:
    out = tmp_path / "e.zip"
    assert main(["evidence", "--contract", str(world.cust_a.contracts.get().pk), "--out", str(out)]) == 0
    assert zipfile.ZipFile(out).namelist()[-2:] == ["index.xlsx", "说明.txt"]
    assert main(["evidence", "--customer", "424242", "--out", str(out)]) == 1
    with pytest.raises(SystemExit) as exc:
        main(["evidence", "--out", str(out)])
    assert exc.value.code == 2


def test_a_failed_batch_leaves_no_documents_files_or_zip(
    world: World, company, tmp_path, monkeypatch, settings
):
    import huikuan.letters.records as records

    calls = []

    def failing_audit(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    real = records.log_action
    monkeypatch.setattr(records, "log_action", failing_audit)
    out = tmp_path / "batch.zip"
    with pytest.raises(RuntimeError):
        main(["letter", "confirmations", "--as-of", "2026-03-31", "--out", str(out)])
    assert not Document.objects.exists() and not out.exists()
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert not list(tmp_path.glob(".huikuan-*"))
