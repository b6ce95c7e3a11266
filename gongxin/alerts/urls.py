"""The early-warnings pages, under /analysis/warnings/ (gongxin/urls.py includes this under /analysis/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("warnings/", views.warning_list, name="warning_list"),
    path("warnings/rescan/", views.warning_rescan, name="warning_rescan"),
    path("warnings/rules/", views.warning_rules, name="warning_rules"),
    path("warnings/rules/<int:rule_id>/", views.warning_rule_edit, name="warning_rule_edit"),
    path("warnings/<int:warning_id>/", views.warning_detail, name="warning_detail"),
    path("warnings/<int:warning_id>/follow-up/", views.warning_follow_up, name="warning_follow_up"),
]
