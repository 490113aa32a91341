from django.urls import path

from huikuan.web.areas.today import views

app_name = "today"
urlpatterns = [
    path("today/", views.worklist, name="worklist"),
    path("today/receivables/<int:receivable_pk>/log/", views.log, name="log"),
]
