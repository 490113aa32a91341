"""`huikuan predict train` and `huikuan predict evaluate --dataset FILE [--split time]` (FORMATS.md)."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="predict_command", metavar="ACTION", required=True)
    train = sub.add_parser("train", help="train on the database's settled receivables and store the model")
    train.add_argument("--as-of", help="learn from what was settled by this day (YYYY-MM-DD; default today)")
    evaluate = sub.add_parser(
        "evaluate",
        help="evaluate on a file of settled invoices (IBM accounts-receivable layout); prints JSON",
    )
    evaluate.add_argument("--dataset", required=True, metavar="FILE")
    evaluate.add_argument("--split", choices=["time"], default="time", help="chronological 80/20 split")


def _json(value: Any) -> str:
    return json.dumps(
        value, ensure_ascii=False, default=lambda v: v.isoformat() if isinstance(v, date) else str(v)
    )


def run(args: argparse.Namespace) -> int:
    from huikuan.cli import EXIT_OK, CommandError

    if args.predict_command == "evaluate":
        from huikuan.core.prediction.evaluate import evaluate
        from huikuan.core.prediction.ibm import DatasetError, read_ibm

        path = Path(args.dataset)
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            result = evaluate(read_ibm(path), path.name, split=args.split)
        except (DatasetError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        print(_json(result))
        return EXIT_OK

    from django.utils import timezone

    from huikuan.prediction.training import TrainingError, train

    as_of = _date(args.as_of) if args.as_of else timezone.localdate()
    try:
        row = train(as_of)
    except TrainingError as exc:
        raise CommandError(f"无法训练预测模型 / cannot train: {exc}") from exc
    print(_json({"model": row.pk, "trained_at": row.trained_at, "as_of": row.as_of, "setting": row.setting,
                 "n_train": row.n_train, "cv": row.metrics, "params": row.params}))  # fmt: skip
    return EXIT_OK


def _date(text: str) -> date:
    from huikuan.cli import CommandError

    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from exc
