from django.urls import path

from . import routine_views, views

urlpatterns = [
    path("", views.return_list, name="return_list"),
    path("bulk/", views.bulk_action, name="return_bulk"),
    path("completeness/", views.completeness, name="completeness"),
    path("completeness/remind/", routine_views.completeness_remind, name="completeness_remind"),
    path("completeness/export.xlsx", views.completeness_export, name="completeness_export"),
    path("import/", views.import_page, name="return_import"),
    path("import/template.xlsx", views.import_template, name="return_import_template"),
    path("notices/<int:pk>/read/", views.notice_read, name="notice_read"),
    path("periods/", views.period_list, name="period_list"),
    path("periods/<slug:form_code>/<str:period>/", views.period_action, name="period_action"),
    path("<str:uscc>/<slug:form_code>/<str:period>/", views.return_page, name="return_page"),
    path("<str:uscc>/<slug:form_code>/<str:period>/check/", views.return_check, name="return_check"),
    path("<str:uscc>/<slug:form_code>/<str:period>/<slug:action>/", views.return_transition,
         name="return_transition"),
]
