"""``huikuan privacy export|erase|purge``: personal data on request (PIPL) and by retention.

Only argparse at import time: the parser is built before Django is set up. The command line acts with
an administrator's rights; every erasure and purge is audited with no actor ("cli").
Exit codes: 0 done, 1 bad input (unknown contact, no reason, unwritable file), 2 usage.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="privacy_action", metavar="ACTION", required=True)
    export = sub.add_parser(
        "export",
        help="write everything held about one contact to a JSON file (UTF-8)",
        description="Everything held about one contact: details, roles, notes, activities, promises, "
        "documents addressed to them and audit entries about them.",
    )
    export.add_argument("contact_id", type=int, metavar="CONTACT_ID")
    export.add_argument("--out", required=True, metavar="FILE.json")
    erase = sub.add_parser(
        "erase",
        help="erase one contact's personal data (a tombstone keeps the ledger intact)",
        description="Replace the person with a tombstone, clear notes about them, redact earlier audit "
        "entries. Payments, promises' amounts and dates, and documents stay. Idempotent.",
    )
    erase.add_argument("contact_id", type=int, metavar="CONTACT_ID")
    erase.add_argument("--reason", required=True, help="why (e.g. the person's request and its date)")
    purge = sub.add_parser(
        "purge",
        help="clear notes about people older than the retention period (company setting)",
    )
    purge.add_argument("--dry-run", action="store_true", help="count only, change nothing")


def run(args: argparse.Namespace) -> int:
    from huikuan.privacy.rights import PrivacyError

    action = args.privacy_action
    if action == "export":
        return _export(args.contact_id, Path(args.out))
    if action == "erase":
        from huikuan.privacy.erase import erase_contact

        done = erase_contact(None, args.contact_id, args.reason, via="cli")
        if done.already:
            print(
                f"联系人 #{args.contact_id} 的个人信息已于 {done.contact.erased_at:%Y-%m-%d %H:%M} 删除，未做改动"
            )
        else:
            print(f"已删除联系人 #{args.contact_id} 的个人信息（审计记录 #{done.audit_id}）")
            print(json.dumps(done.counts, ensure_ascii=False, sort_keys=True))
        return 0
    if action == "purge":
        from huikuan.privacy.purge import purge_notes

        result = purge_notes(dry_run=args.dry_run, trigger="cli")
        verb = "将清除" if result.dry_run else "已清除"
        print(
            f"{verb} {result.cutoff:%Y-%m-%d} 之前的个人备注：催款活动记录 {result.activities} 条，"
            f"联系人活动规律 {result.patterns} 条（保留期 {result.retention_days} 天）"
        )
        print(json.dumps(result.as_dict(), ensure_ascii=False, sort_keys=True))
        return 0
    raise PrivacyError(f"未知操作：{action}", "usage")


def _export(contact_id: int, out: Path) -> int:
    from huikuan.privacy.export import export_contact, write_export
    from huikuan.privacy.rights import PrivacyError

    document = export_contact(None, contact_id, via="cli")
    try:
        write_export(document, out)
    except OSError as exc:
        raise PrivacyError(f"无法写入文件 {out}：{exc.strerror or exc}", "unwritable") from exc
    counts = {k: len(document[k]) for k in ("activities", "promises", "documents", "audit")}
    print(f"已导出联系人 #{contact_id} 的个人信息到 {out}：{json.dumps(counts, ensure_ascii=False)}")
    return 0
