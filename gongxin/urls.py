from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from gongxin import health
from gongxin.accounts import views as accounts_views

urlpatterns = [
    path("", accounts_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/audit/", accounts_views.audit_list, name="audit_list"),
    path("accounts/api-clients/", include("gongxin.api.page_urls")),
    path("accounts/", include("gongxin.accounts.urls")),
    path("guide/", accounts_views.guide, name="guide"),
    path("enterprises/", include("gongxin.registry.urls")),
    path("returns/", include("gongxin.reporting.urls")),
    path("analysis/", include("gongxin.analysis.urls")),
    path("analysis/", include("gongxin.alerts.urls")),  # /analysis/warnings/…: the URLs predate the app
    path("analysis/", include("gongxin.briefs.urls")),  # /analysis/brief/…
    path("projects/", include("gongxin.projects.urls")),
    path("notices/", include("gongxin.notices.urls")),
    path("emergencies/", include("gongxin.emergencies.urls")),
    path("reserves/", include("gongxin.reserves.urls")),
    path("prevention/", include("gongxin.prevention.urls")),
    path("resumption/", include("gongxin.resumption.urls")),
    path("permits/", include("gongxin.permits.urls")),
    path("services/", include("gongxin.services.urls")),
    path("api/v1/", include("gongxin.api.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "gongxin.errors.not_found"
handler500 = "gongxin.errors.server_error"
