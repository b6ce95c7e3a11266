"""Test URLconf: the project's URLs plus the brief's, until analysis/urls.py includes them."""

from django.urls import include, path

from gongxin.urls import urlpatterns as project_urls

urlpatterns = [path("analysis/", include("gongxin.analysis.urls_brief"))] + project_urls
