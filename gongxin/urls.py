from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from gongxin.accounts import views as accounts_views

urlpatterns = [
    path("", accounts_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/audit/", accounts_views.audit_list, name="audit_list"),
    path("enterprises/", include("gongxin.registry.urls")),
    path("returns/", include("gongxin.reporting.urls")),
    path("analysis/", include("gongxin.analysis.urls")),
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
