from django.urls import path

from huikuan.web.areas.claims import review, views

app_name = "claims"
urlpatterns = [
    path("claims/", views.pool, name="pool"),
    path("claims/receipts/<int:receipt_pk>/", views.claim_form, name="claim"),
    path("claims/receipts/<int:receipt_pk>/dismiss/", review.dismiss, name="dismiss"),
    path("claims/review/", review.review, name="review"),
    path("claims/<int:claim_pk>/", review.detail, name="detail"),
    path("claims/<int:claim_pk>/approve/", review.approve, name="approve"),
    path("claims/<int:claim_pk>/reject/", review.reject, name="reject"),
]
