"""面谈 / Meeting planner (D7): five stages from the method engine, the record, a live wording check."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from huikuan.collection.services.activities import ActivityError
from huikuan.collection.services.meetings import (
    MeetingBrief,
    check_wording,
    debt_nature,
    prepare_meeting,
    record_meeting,
)
from huikuan.core.reasons import describe
from huikuan.core.wording import LintResult
from huikuan.web.access import receivable_or_404
from huikuan.web.areas.meetings.forms import STAGE_FIELDS, DraftForm, MeetingForm


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-hans"


def _initial(brief: MeetingBrief) -> dict[str, Any]:
    """The record form pre-filled with the plan: one line per item of each stage."""
    lang = _lang()
    initial: dict[str, Any] = {
        STAGE_FIELDS[stage.key]: "\n".join(f"· {describe(item, lang)}" for item in stage.items)
        for stage in brief.plan.stages
    }
    if brief.contact is not None:
        initial["contact"] = brief.contact.pk
    return initial


def _page(request: HttpRequest, brief: MeetingBrief, form: MeetingForm, status: int = 200) -> HttpResponse:
    days = (brief.as_of - brief.receivable.due_on).days
    context = {
        "brief": brief,
        "r": brief.receivable,
        "customer": brief.receivable.contract.customer,
        "days_overdue": days,
        "form": form,
        "draft": DraftForm(),
    }
    return render(request, "web/meetings/plan.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, receivable_pk: int) -> HttpResponse:
    receivable = receivable_or_404(request.user, receivable_pk)
    today = timezone.localdate()
    brief = prepare_meeting(receivable, today)
    customer_id = receivable.contract.customer_id
    if request.method == "GET":
        return _page(request, brief, MeetingForm(customer_id=customer_id, initial=_initial(brief)))
    form = MeetingForm(request.POST, customer_id=customer_id)
    if form.is_valid():
        strategy = brief.status["strategy"] if brief.status else ""
        try:
            logged = record_meeting(request.user, receivable, form.activity_input(strategy), today=today)
        except ActivityError as exc:
            form.add_error(None, exc.message)
        else:
            note = _("面谈已记录")
            if logged.promises:
                note += _("，含 %(n)s 期付款承诺") % {"n": len(logged.promises)}
            messages.success(request, note)
            return redirect("customers:detail", customer_pk=customer_id)
    return _page(request, brief, form, status=400)


def _segments(text: str, result: LintResult) -> list[tuple[str, Any]]:
    """The draft cut into plain and flagged pieces, for highlighting."""
    pieces: list[tuple[str, Any]] = []
    at = 0
    for finding in result.findings:
        if finding.start > at:
            pieces.append((text[at : finding.start], None))
        pieces.append((text[finding.start : finding.end], finding))
        at = finding.end
    if at < len(text):
        pieces.append((text[at:], None))
    return pieces


@login_required
@require_POST
def lint(request: HttpRequest, receivable_pk: int) -> HttpResponse:
    """D3, live: the draft checked for the receivable's debt nature (htmx partial)."""
    receivable = receivable_or_404(request.user, receivable_pk)
    form = DraftForm(request.POST)
    text = form.data.get("draft", "")[:5000]
    purpose = form.data.get("purpose") or "message"
    result = check_wording(text, debt_nature(receivable), purpose)
    context = {"result": result, "segments": _segments(text, result), "text": text, "receivable": receivable}
    template = "web/meetings/_lint.html" if request.htmx else "web/meetings/lint_page.html"
    return render(request, template, context)
