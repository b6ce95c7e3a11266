from django.urls import path

from . import views

urlpatterns = [
    path("", views.permit_list),
    path("new/", views.apply),
    path("review/", views.review_queue),
    path("overstays/", views.overstay_list),
    path("dashboard/", views.dashboard),
    path("export.xlsx", views.export),
    path("divisions/", views.divisions_json),
    path("checkpoint/", views.checkpoint),
    path("checkpoint/config.json", views.checkpoint_config_json),
    path("checkpoint/record/", views.checkpoint_record),
    path("checkpoint/log/", views.inspection_log),
    path("checkpoint/reveal/", views.checkpoint_reveal),
    path("checkpoint/sw.js", views.checkpoint_service_worker),
    path("people/<int:pk>/reveal/", views.reveal),
    path("<int:pk>/", views.detail),
    path("<int:pk>/approve/", views.approve),
    path("<int:pk>/refuse/", views.refuse),
    path("<int:pk>/revoke/", views.revoke),
    path("<int:pk>/arrive/", views.arrive),
    path("<int:pk>/unload/", views.unload),
    path("<int:pk>/print/", views.print_permit),
    path("<int:pk>/pass/", views.phone_pass),
]
