from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from huikuan.web import views
from huikuan.web.areas import AREAS
from huikuan.web.areas.today import views as today_views

admin.autodiscover()  # settings use SimpleAdminConfig: the admin modules load here, with the URLs
admin.site.site_header = "回款 huikuan"
admin.site.site_title = "回款"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", today_views.worklist, name="home"),
    path("health/", views.health, name="health"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("huikuan.api.urls")),
]
urlpatterns += [path("", include(f"huikuan.web.areas.{area}.urls")) for area in AREAS]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
