from django.urls import path

from huikuan.web.areas.dashboards import views
from huikuan.web.areas.dashboards.completeness import CHECKS
from huikuan.web.areas.dashboards.tables import BUILDERS

app_name = "dashboards"
urlpatterns = [
    path("dashboards/", views.dashboard, name="dashboard"),
    *[path(f"dashboards/{name}/", views.table_view, {"table": name}, name=name) for name in BUILDERS],
    *[
        path(
            f"dashboards/completeness/{check.key}/",
            views.table_view,
            {"table": f"completeness_{check.key}"},
            name=f"completeness_{check.key}",
        )
        for check in CHECKS
    ],
]
