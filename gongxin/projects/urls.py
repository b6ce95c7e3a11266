from django.urls import path

from . import views

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("export.xlsx", views.project_export, name="project_export"),
    path("new/", views.project_create, name="project_create"),
    path("dashboard/", views.dashboard, name="project_dashboard"),
    path("import/", views.investment_import, name="investment_import"),
    path("import/template.xlsx", views.investment_template, name="investment_template"),
    path("funds/", views.fund_overview, name="fund_overview"),
    path("funds/applications/<int:pk>/", views.fund_application_action, name="fund_application_action"),
    path("funds/new/", views.fund_apply, name="fund_apply"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_edit, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_edit, name="programme_edit"),
    path("programmes/funds/new/", views.fund_programme_edit, name="fund_programme_create"),
    path("programmes/funds/<int:pk>/", views.fund_programme_edit, name="fund_programme_edit"),
    path("<str:code>/", views.project_detail, name="project_detail"),
    path("<str:code>/edit/", views.project_edit, name="project_edit"),
    path("<str:code>/stage/", views.project_stage, name="project_stage"),
    path("<str:code>/investment/", views.project_investment, name="project_investment"),
    path("<str:code>/documents/", views.document_upload, name="document_upload"),
    path("<str:code>/documents/<int:pk>/", views.document_download, name="document_download"),
    path("<str:code>/funds/new/", views.fund_apply, name="project_fund_apply"),
]
