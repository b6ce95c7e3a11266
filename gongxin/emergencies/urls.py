from django.urls import path

from . import views

urlpatterns = [
    path("", views.event_list, name="emergencies_list"),
    path("new/", views.event_create, name="emergencies_create"),
    path("<slug:code>/", views.event_detail, name="emergencies_detail"),
    path("<slug:code>/edit/", views.event_edit, name="emergencies_edit"),
    path("<slug:code>/close/", views.event_close, name="emergencies_close"),
    path("<slug:code>/phases/", views.phase_add, name="emergencies_phase_add"),
]
