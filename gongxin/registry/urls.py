from django.urls import path

from . import views

urlpatterns = [
    path("", views.enterprise_list, name="enterprise_list"),
    path("new/", views.enterprise_create, name="enterprise_create"),
    path("export.xlsx", views.enterprise_export, name="enterprise_export"),
    path("import/", views.enterprise_import, name="enterprise_import"),
    path("import/template.xlsx", views.enterprise_template, name="enterprise_template"),
    path("<str:uscc>/", views.enterprise_detail, name="enterprise_detail"),
    path("<str:uscc>/edit/", views.enterprise_edit, name="enterprise_edit"),
]
