"""Changes made from the contract page (POST only): upload a scan, record a letter's delivery or its
stamped return, generate a letter or the evidence bundle. Each calls one use-case function."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huikuan.collection.services import documents
from huikuan.collection.services.contracts import contract_documents, contract_letter, evidence_bundle
from huikuan.collection.services.documents import ALLOWED, DocumentInput, safe_name, upload_document
from huikuan.ledger.services import LedgerError
from huikuan.letters.records import mark_delivered, mark_returned
from huikuan.web.access import contract_or_404, object_or_404
from huikuan.web.areas.contracts.forms import DeliveredForm, LetterForm, ReturnedForm, UploadForm
from huikuan.web.areas.contracts.views import render_detail
from huikuan.web.areas.imports.limits import refuse_oversized, too_large_message


def _back(contract_pk: int, anchor: str = "") -> HttpResponse:
    url = reverse("contracts:detail", args=[contract_pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _form_errors(form) -> str:
    """Every error of ``form`` on one line, each after its field's label."""
    parts = []
    for name, errors in form.errors.items():
        label = f"{form.fields[name].label}：" if name in form.fields else ""
        parts += [f"{label}{e}" for e in errors]
    return "；".join(parts)


def _oversized(request: HttpRequest, size: int, contract_pk: int) -> HttpResponse:
    """A scan above the limit, refused before its body is read."""
    contract = contract_or_404(request.user, contract_pk)
    messages.error(request, too_large_message(size, documents.MAX_BYTES))
    return render_detail(request, contract, status=413)


@login_required
@require_POST
@refuse_oversized(lambda: documents.MAX_BYTES, _oversized)
def upload(request: HttpRequest, contract_pk: int) -> HttpResponse:
    contract = contract_or_404(request.user, contract_pk)
    milestones = list(contract.receivables.filter(is_void=False).order_by("sequence"))
    form = UploadForm(request.POST, request.FILES, milestones=milestones)
    if form.is_valid():
        d = form.cleaned_data
        data = DocumentInput(
            kind=d["kind"],
            title=d["title"],
            issued_on=d["issued_on"],
            returned_on=d["returned_on"],
            seal_kind=d["seal_kind"],
            receivable_ids=d["receivables"],
        )
        try:
            doc = upload_document(contract, d["file"], data, actor=request.user)
        except LedgerError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(
                request,
                _("已上传：%(kind)s %(name)s")
                % {"kind": doc.get_kind_display(), "name": doc.original_filename},
            )
            return _back(contract.pk, "documents")
    return render_detail(request, contract, status=400, upload_form=form)


def _document(request: HttpRequest, contract_pk: int, document_pk: int):
    contract = contract_or_404(request.user, contract_pk)
    return contract, object_or_404(request.user, contract_documents(contract), document_pk)


@login_required
@require_POST
def delivered(request: HttpRequest, contract_pk: int, document_pk: int) -> HttpResponse:
    contract, doc = _document(request, contract_pk, document_pk)
    form = DeliveredForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(contract.pk, "documents")
    if form.cleaned_data["on"] > timezone.localdate():
        messages.error(request, _("送达日期不能晚于今天"))
        return _back(contract.pk, "documents")
    try:
        mark_delivered(doc, form.cleaned_data["on"], form.cleaned_data["proof"], actor=request.user)
    except LedgerError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已登记送达：%(doc)s") % {"doc": doc})
    return _back(contract.pk, "documents")


@login_required
@require_POST
def returned(request: HttpRequest, contract_pk: int, document_pk: int) -> HttpResponse:
    contract, doc = _document(request, contract_pk, document_pk)
    form = ReturnedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(contract.pk, "documents")
    d = form.cleaned_data
    if d["on"] > timezone.localdate():
        messages.error(request, _("回函日期不能晚于今天"))
        return _back(contract.pk, "documents")
    try:
        mark_returned(
            doc, d["on"], d["seal_kind"], actor=request.user, confirmed_amount=d["confirmed_amount"]
        )
    except LedgerError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已登记盖章回函：%(doc)s") % {"doc": doc})
    return _back(contract.pk, "documents")


@login_required
@require_POST
def letter(request: HttpRequest, contract_pk: int) -> HttpResponse:
    contract = contract_or_404(request.user, contract_pk)
    form = LetterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择函件类型和格式"))
        return _back(contract.pk, "letters")
    suffix = "." + form.cleaned_data["format"]
    try:
        made = contract_letter(
            contract, form.cleaned_data["kind"], suffix, actor=request.user, today=timezone.localdate()
        )
    except LedgerError as exc:
        messages.error(request, exc.message)
        return _back(contract.pk, "letters")
    response = HttpResponse(made.content, content_type=ALLOWED[suffix.lstrip(".")])
    response["Content-Disposition"] = content_disposition_header(
        True, safe_name(made.filename) or f"letter{suffix}"
    )
    return response


@login_required
@require_POST
def evidence(request: HttpRequest, contract_pk: int) -> HttpResponse:
    contract = contract_or_404(request.user, contract_pk)
    today = timezone.localdate()
    try:
        handle = evidence_bundle(contract, actor=request.user, as_of=today)
    except LedgerError as exc:
        messages.error(request, exc.message)
        return _back(contract.pk, "letters")
    name = safe_name(f"证据包_{contract.customer.name}_{contract.number}_{today:%Y%m%d}.zip")
    return FileResponse(handle, as_attachment=True, filename=name, content_type="application/zip")
