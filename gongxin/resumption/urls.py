from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="resumption-dashboard"),
    path("export/", views.export),
    path("applications/", views.application_list),
    path("applications/new/<str:uscc>/", views.application_new),
    path("applications/<int:pk>/", views.application_detail),
    path("applications/<int:pk>/certificate/", views.certificate),
    path("applications/<int:pk>/certificate.docx", views.certificate_word),
    path("applications/<int:pk>/<str:action>/", views.application_action),
    path("enterprises/<str:uscc>/status/", views.record_status),
    path("enterprises/<str:uscc>/blockers/", views.report_blocker),
    path("blockers/", views.blocker_list),
    path("blockers/<int:pk>/resolve/", views.resolve_blocker),
    path("flags/", views.flag_list),
    path("flags/<int:pk>/resolve/", views.resolve_flag),
    path("conditions/", views.conditions),
    path("rules/", views.rules),
    path("grid/import/", views.grid_import),
]
