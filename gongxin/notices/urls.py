from django.urls import path

from . import views

urlpatterns = [
    path("", views.notice_list, name="notices_list"),
    path("<int:notice_id>/", views.notice_detail, name="notices_detail"),
    path("<int:notice_id>/read/", views.notice_read, name="notices_read"),
]
