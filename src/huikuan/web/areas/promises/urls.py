from django.urls import path

from huikuan.web.areas.promises import views

app_name = "promises"
urlpatterns = [
    path("promises/", views.promise_list, name="list"),
]
