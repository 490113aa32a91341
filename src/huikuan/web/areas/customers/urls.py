from django.urls import path

from huikuan.web.areas.customers import contacts, views

app_name = "customers"
urlpatterns = [
    path("customers/", views.customer_list, name="list"),
    path("customers/<int:customer_pk>/", views.customer_detail, name="detail"),
    path("contacts/<int:contact_pk>/export/", contacts.contact_export, name="contact-export"),
    path("contacts/<int:contact_pk>/erase/", contacts.contact_erase, name="contact-erase"),
    path("contacts/<int:contact_pk>/pattern/", contacts.contact_pattern, name="contact-pattern"),
]
