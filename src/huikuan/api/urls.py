"""Mounted at /api/ by huikuan.urls (the namespace is the API's ``urls_namespace``)."""

from huikuan.api.api import api

urlpatterns = api.urls[0]
app_name = "api"
