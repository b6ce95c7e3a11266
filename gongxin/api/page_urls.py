"""The bureau admin's pages for API clients (HTML, session login), under /accounts/api-clients/."""

from django.urls import path

from . import pages

urlpatterns = [
    path("", pages.client_list, name="api_clients"),
    path("new/", pages.client_create, name="api_client_create"),
    path("<int:pk>/", pages.client_detail, name="api_client_detail"),
    path("<int:pk>/<slug:action>/", pages.client_action, name="api_client_action"),
]
