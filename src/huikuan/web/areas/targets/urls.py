from django.urls import path

from huikuan.web.areas.targets import commission, views

app_name = "targets"
urlpatterns = [
    path("targets/", views.target_list, name="list"),
    path("targets/set/", views.target_set, name="set"),
    path("targets/commission/", commission.commission, name="commission"),
]
