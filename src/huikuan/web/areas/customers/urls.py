from django.urls import path

from huikuan.web.areas.customers import views

app_name = "customers"
urlpatterns = [
    path("customers/", views.customer_list, name="list"),
    path("customers/<int:customer_pk>/", views.customer_detail, name="detail"),
]
