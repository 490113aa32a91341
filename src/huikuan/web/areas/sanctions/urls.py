from django.urls import path

from huikuan.web.areas.sanctions import views

app_name = "sanctions"
urlpatterns = [
    path("sanctions/", views.sanction_list, name="list"),
    path("sanctions/propose/<int:customer_pk>/", views.propose, name="propose"),
    path("sanctions/propose/<int:customer_pk>/assess/", views.assess, name="assess"),
    path("sanctions/<int:sanction_pk>/", views.sanction_detail, name="detail"),
    path("sanctions/<int:sanction_pk>/decide/", views.decide, name="decide"),
    path("sanctions/<int:sanction_pk>/activate/", views.activate, name="activate"),
    path("sanctions/<int:sanction_pk>/lift/", views.lift, name="lift"),
]
