"""Results of the daily run.

A run is invisible until it is *finished*: its status rows are written first (in short chunked
transactions on SQLite, so a clerk's save never waits long), then one short transaction publishes
it. Readers always read the latest finished run (`DailyRun.latest`); a run killed half-way leaves
only unpublished rows behind, which the next run removes.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("运行中")
        FINISHED = "finished", _("已完成")
        FAILED = "failed", _("失败")

    as_of = models.DateField(_("数据日期"), db_index=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    trigger = models.CharField(_("触发方式"), max_length=20, default="cli")
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    receivables_open = models.IntegerField(_("未结清应收笔数"), default=0)
    counts = models.JSONField(_("计数"), default=dict)
    timings = models.JSONField(_("耗时（秒）"), default=dict)
    calendar_note = models.TextField(_("日历提示"), blank=True)
    warnings = models.JSONField(_("警告"), default=list)
    summary = models.JSONField(_("汇总"), default=dict, help_text="totals, aging, KPIs, team view, reports")
    error = models.TextField(_("错误"), blank=True)
    host = models.CharField(_("主机"), max_length=100, blank=True)
    pid = models.IntegerField(_("进程"), null=True, blank=True)
    slot = models.PositiveSmallIntegerField(
        _("结果表"), default=0, help_text="which status table holds the rows"
    )

    class Meta:
        verbose_name = _("每日运行")
        verbose_name_plural = _("每日运行")
        ordering = ["-as_of", "-finished_at", "-id"]
        indexes = [models.Index(fields=["status", "as_of"])]

    def __str__(self) -> str:
        return f"{self.as_of} {self.get_status_display()}"

    @classmethod
    def latest(cls, as_of: date | None = None) -> DailyRun | None:
        """The latest finished run (for ``as_of`` when given): what every reader shows.

        A finished run never changes, and its summary is large (the run's KPIs and the
        dictionaries its status rows' keys point into), so each process reads and parses it once:
        this asks only which run is the latest, then takes the run from the process's cache.
        """
        runs = cls.objects.filter(status=cls.Status.FINISHED)
        if as_of is not None:
            runs = runs.filter(as_of=as_of)
        key = runs.order_by("-as_of", "-finished_at", "-id").values_list("pk", "finished_at").first()
        if key is None:
            return None
        run = _FINISHED.get(key)
        if run is None:
            run = cls.objects.filter(pk=key[0]).first()
            if run is None or (run.pk, run.finished_at) != key:
                return run
            while len(_FINISHED) >= _FINISHED_KEPT:
                del _FINISHED[next(iter(_FINISHED))]
            _FINISHED[key] = run
        return run

    def statuses(self) -> models.QuerySet[StatusRow]:
        """This run's status rows (empty once a later run has reused its table)."""
        return STATUS_MODELS[self.slot].objects.filter(run_id=self.pk)


# Finished runs by (id, finished_at): an id alone could name another run after a rolled-back test.
_FINISHED: dict[tuple[int, Any], DailyRun] = {}
_FINISHED_KEPT = 4


def cached_runs() -> tuple[tuple[int, Any], ...]:
    """The finished runs this process holds parsed (their keys, oldest first)."""
    return tuple(_FINISHED)


class StatusRow(models.Model):
    """One open receivable as the run saw it. Plain ids (no database constraints): a snapshot."""

    run = models.ForeignKey(
        DailyRun, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    receivable = models.ForeignKey(
        "ledger.Receivable",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    customer_id = models.BigIntegerField(_("客户"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    currency = models.CharField(_("币种"), max_length=3)
    open = models.DecimalField(_("未收金额"), max_digits=16, decimal_places=2)
    days_overdue = models.IntegerField(_("逾期天数"))
    bucket = models.CharField(_("账龄段"), max_length=12)
    nature = models.CharField(_("欠款性质"), max_length=16)
    risk = models.FloatField(_("风险"))
    priority = models.FloatField(_("优先级"))
    rank = models.IntegerField(_("清单排名"), help_text="1 = first on the owner's worklist")
    # Lists are stored as keys decoded by the run's ``summary["codes"]`` (see `explained`).
    rank_mask = models.SmallIntegerField(default=0)
    gap_key = models.BigIntegerField(default=0)
    pause_until = models.DateField(null=True)
    pause_reason = models.CharField(max_length=200, blank=True)
    limitation_expires_on = models.DateField(null=True)
    strategy = models.CharField(max_length=20)
    action_kind = models.CharField(max_length=10)
    action_on = models.DateField(null=True)
    contact_role = models.CharField(max_length=20, blank=True)
    contact = models.ForeignKey(
        "ledger.Contact",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    reason_key = models.IntegerField(default=0)
    timing_code = models.CharField(max_length=40, blank=True)
    detail = models.TextField(
        blank=True, help_text='JSON {"p": params of the first reason, "t": timing params}'
    )

    class Meta:
        abstract = True
        indexes = [
            models.Index(fields=["owner", "rank"], name="%(class)s_worklist"),
            # A team's worklist: most urgent first, read in index order until the page is full.
            models.Index(fields=["-priority", "-days_overdue", "receivable"], name="%(class)s_team"),
            models.Index(fields=["customer_id"], name="%(class)s_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.receivable_id} {self.strategy}"

    def explained(self, run: DailyRun) -> dict[str, Any]:
        """Readiness gaps, rank reasons and the next action's reasons (codes with parameters)."""
        codes = run.summary.get("codes", {})
        detail = json.loads(self.detail) if self.detail else {}
        strategy = codes.get("reasons", {}).get(str(self.reason_key), [])
        reasons = [
            {"code": c, "params": detail.get("p", {}) if i == 0 else {}} for i, c in enumerate(strategy)
        ]
        if self.timing_code and self.strategy != "wait":
            reasons.append({"code": self.timing_code, "params": detail.get("t", {})})
        return {
            "gaps": codes.get("gaps", {}).get(str(self.gap_key), []),
            "rank_reasons": codes.get("rank_reasons", {}).get(str(self.rank_mask), []),
            "reasons": reasons,
        }


class ReceivableStatus(StatusRow):
    class Meta(StatusRow.Meta):
        verbose_name = _("应收状态")
        verbose_name_plural = _("应收状态")


class ReceivableStatusAlt(StatusRow):
    """The second table of the pair (see the module docstring)."""

    class Meta(StatusRow.Meta):
        verbose_name = _("应收状态（备用表）")
        verbose_name_plural = _("应收状态（备用表）")


STATUS_MODELS: tuple[type[StatusRow], type[StatusRow]] = (ReceivableStatus, ReceivableStatusAlt)
