from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="services_dashboard"),
    path("export.xlsx", views.stats_export, name="services_export"),
    path("bulletin.docx", views.bulletin, name="services_bulletin"),
    path("clusters/", views.clusters, name="services_clusters"),
    path("demands/", views.demand_list, name="demand_list"),
    path("demands/new/", views.demand_new, name="demand_new"),
    path("demands/<int:pk>/", views.demand_detail, name="demand_detail"),
    path("demands/<int:pk>/<slug:action>/", views.demand_action, name="demand_action"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("plans/<int:pk>/", views.plan_detail, name="visit_plan_detail"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/new/", views.policy_edit, name="policy_create"),
    path("policies/<int:pk>/", views.policy_detail, name="policy_detail"),
    path("policies/<int:pk>/edit/", views.policy_edit, name="policy_edit"),
    path("policies/<int:pk>/benefits/", views.benefit_add, name="benefit_add"),
    path("policies/<int:pk>/not-benefited.xlsx", views.policy_not_benefited_export, name="policy_not_benefited"),
    path("calendar/", views.calendar_page, name="workday_calendar"),
    path("calendar/import/", views.calendar_import, name="workday_calendar_import"),
]
