"""The brief, under /analysis/brief/ (gongxin/urls.py includes this under /analysis/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("brief/", views.brief_page, name="brief_page"),
    path("brief/section/<slug:key>/", views.brief_section, name="brief_section"),
    path("brief/brief.docx", views.brief_docx, name="brief_docx"),
    path("brief/pack.xlsx", views.brief_pack, name="brief_pack"),
    path("brief/chart/<slug:name>.png", views.brief_chart, name="brief_chart"),
]
