"""The customer page's contacts: personal data on request (PIPL) — export, erase, activity-pattern consent.

Which contacts a user reaches comes from `huikuan.accounts.access` (through `visible_contact`: 404 for
anyone else); what their role may do with them from `huikuan.privacy.rights`; the work itself from the
use cases in `huikuan.privacy`. Every change is a POST with the CSRF token.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from huikuan.privacy import rights
from huikuan.privacy.consent import record_activity_pattern
from huikuan.privacy.erase import erase_contact
from huikuan.privacy.export import dumps, export_contact

MAX_REASON = 500


def _back(contact) -> str:  # type: ignore[no-untyped-def]
    return reverse("customers:detail", args=[contact.customer_id]) + "#h-contacts"


@login_required
@require_POST
def contact_export(request: HttpRequest, contact_pk: int) -> HttpResponse:
    contact = rights.visible_contact(request.user, contact_pk)
    if not rights.may_export(request.user):
        raise PermissionDenied
    document = export_contact(request.user, contact.pk, via="web")
    response = HttpResponse(dumps(document), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="contact-{contact.pk}-personal-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def contact_erase(request: HttpRequest, contact_pk: int) -> HttpResponse:
    contact = rights.visible_contact(request.user, contact_pk)
    if not rights.may_erase(request.user):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()
        if request.POST.get("confirm") != "yes":
            error = _("请勾选确认：删除后无法恢复")
        elif not reason:
            error = _("请填写删除原因（例如：本人要求删除）")
        elif len(reason) > MAX_REASON:
            error = _("删除原因最多 500 个字")
        else:
            done = erase_contact(request.user, contact.pk, reason, via="web")
            if done.already:
                messages.info(request, _("该联系人的个人信息此前已删除"))
            else:
                messages.success(request, _("已删除该联系人的个人信息，账务记录保持不变"))
            return redirect(_back(contact))
    return render(request, "web/customers/erase.html", {"contact": contact, "error": error})


@login_required
@require_POST
def contact_pattern(request: HttpRequest, contact_pk: int) -> HttpResponse:
    contact = rights.visible_contact(request.user, contact_pk)
    if not rights.may_export(request.user):
        raise PermissionDenied
    consent = request.POST.get("consent") == "yes"
    try:
        record_activity_pattern(
            request.user, contact.pk, request.POST.get("activity_pattern", ""), consent=consent
        )
    except rights.PrivacyError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存活动规律") if consent else _("已撤回同意并删除活动规律"))
    return redirect(_back(contact))
