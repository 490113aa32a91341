"""Exit codes of `huikuan predict`: 0 success, 1 bad input (named), 2 usage error."""

from __future__ import annotations

from pathlib import Path

import pytest

from huikuan.cli import main

HEADER = (
    "countryCode,customerID,PaperlessDate,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,Disputed,"
    "SettledDate,PaperlessBill,DaysToSettle,DaysLate"
)


def test_a_missing_file_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["predict", "evaluate", "--dataset", str(tmp_path / "nope.csv")]) == 1
    assert "nope.csv" in capsys.readouterr().err


def test_a_file_without_the_columns_names_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "other.csv"
    f.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["predict", "evaluate", "--dataset", str(f)]) == 1
    err = capsys.readouterr().err
    assert "other.csv" in err and "customerID" in err


def test_a_bad_cell_is_named_by_row_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "bad.csv"
    good = "391,0379-NEVHP,4/6/2013,0000611365,1/2/2013,2/1/2013,55.94,No,1/15/2013,Paper,13,0"
    bad = "391,0379-NEVHP,4/6/2013,0000611366,1/3/2013,2/2/2013,55.94,No,31/31/2013,Paper,13,0"
    f.write_text("\n".join([HEADER, good, bad]) + "\n", encoding="utf-8")
    assert main(["predict", "evaluate", "--dataset", str(f)]) == 1
    err = capsys.readouterr().err
    assert "row 3" in err and "SettledDate" in err


def test_too_few_rows_to_evaluate_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "few.csv"
    good = "391,0379-NEVHP,4/6/2013,0000611365,1/2/2013,2/1/2013,55.94,No,1/15/2013,Paper,13,0"
    f.write_text("\n".join([HEADER, good]) + "\n", encoding="utf-8")
    assert main(["predict", "evaluate", "--dataset", str(f)]) == 1
    assert "too few" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [["predict"], ["predict", "evaluate"], ["predict", "evaluate", "--dataset", "x", "--split", "random"]],
)
def test_usage_errors_exit_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


@pytest.mark.django_db
def test_training_on_an_empty_ledger_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["predict", "train", "--as-of", "2026-11-27"]) == 1
    assert "too few settled receivables" in capsys.readouterr().err


@pytest.mark.django_db
def test_a_bad_date_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["predict", "train", "--as-of", "27/11/2026"]) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err
