from django.urls import path

from huikuan.web.areas.meetings import views

app_name = "meetings"
urlpatterns = [
    path("meetings/receivables/<int:receivable_pk>/", views.plan, name="plan"),
    path("meetings/receivables/<int:receivable_pk>/lint/", views.lint, name="lint"),
]
