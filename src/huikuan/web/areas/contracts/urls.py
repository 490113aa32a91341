from django.urls import path

from huikuan.web.areas.contracts import actions, plans, views

app_name = "contracts"
urlpatterns = [
    path("contracts/", views.contract_list, name="list"),
    path("contracts/<int:contract_pk>/", views.contract_detail, name="detail"),
    path("contracts/<int:contract_pk>/documents/", actions.upload, name="upload"),
    path(
        "contracts/<int:contract_pk>/documents/<int:document_pk>/",
        views.document_download,
        name="document",
    ),
    path(
        "contracts/<int:contract_pk>/documents/<int:document_pk>/delivered/",
        actions.delivered,
        name="delivered",
    ),
    path(
        "contracts/<int:contract_pk>/documents/<int:document_pk>/returned/",
        actions.returned,
        name="returned",
    ),
    path("contracts/<int:contract_pk>/letter/", actions.letter, name="letter"),
    path("contracts/<int:contract_pk>/evidence/", actions.evidence, name="evidence"),
    path("contracts/<int:contract_pk>/plan/", plans.plan, name="plan"),
    path("contracts/<int:contract_pk>/plan/preview/", plans.plan_preview, name="plan_preview"),
    path("contracts/<int:contract_pk>/split/", plans.split, name="split"),
    path("contracts/<int:contract_pk>/split/preview/", plans.split_preview_view, name="split_preview"),
]
