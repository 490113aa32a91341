from django.urls import path

from huikuan.web.areas.approvals import views

app_name = "approvals"
urlpatterns = [
    path("approvals/", views.inbox, name="inbox"),
    path("approvals/<int:approval_pk>/decide/", views.decide, name="decide"),
    path(
        "approvals/adjustments/<int:adjustment_pk>/decide/", views.decide_adjustment, name="decide_adjustment"
    ),
    path("approvals/sanctions/<int:sanction_pk>/decide/", views.decide_sanction, name="decide_sanction"),
]
