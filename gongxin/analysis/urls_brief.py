"""The brief and the early warnings, included by analysis/urls.py under /analysis/."""

from django.urls import path

from . import views_brief

urlpatterns = [
    path("brief/", views_brief.brief_page, name="brief_page"),
    path("brief/brief.docx", views_brief.brief_docx, name="brief_docx"),
    path("brief/pack.xlsx", views_brief.brief_pack, name="brief_pack"),
    path("brief/chart/<slug:name>.png", views_brief.brief_chart, name="brief_chart"),
    path("warnings/", views_brief.warning_list, name="warning_list"),
    path("warnings/rules/", views_brief.warning_rules, name="warning_rules"),
    path("warnings/rules/<int:rule_id>/", views_brief.warning_rule_edit, name="warning_rule_edit"),
    path("warnings/<int:warning_id>/", views_brief.warning_detail, name="warning_detail"),
    path("warnings/<int:warning_id>/follow-up/", views_brief.warning_follow_up, name="warning_follow_up"),
]
