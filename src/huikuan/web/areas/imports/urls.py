from django.urls import path

from huikuan.web.areas.imports import views

app_name = "imports"
urlpatterns = [
    path("imports/", views.upload, name="upload"),
    path("imports/job/", views.job_page, name="job"),
    path("imports/confirm/", views.confirm, name="confirm"),
    path("imports/errors/", views.errors_export, name="errors"),
]
