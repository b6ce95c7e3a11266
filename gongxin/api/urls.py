from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularRedocView

from . import views

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("docs/", SpectacularRedocView.as_view(url_name="openapi"), name="api_docs"),
    path("regions/", views.RegionList.as_view()),
    path("industries/", views.IndustryList.as_view()),
    path("enterprises/", views.EnterpriseList.as_view()),
    path("enterprises/<str:uscc>/", views.EnterpriseDetail.as_view()),
    path("forms/", views.FormList.as_view()),
    path("returns/", views.ReturnList.as_view()),
    path("returns/import", views.ReturnImport.as_view()),
    path("returns/<str:uscc>/<slug:form>/<str:period>/", views.ReturnDetail.as_view()),
    path("returns/<str:uscc>/<slug:form>/<str:period>/submit/", views.ReturnSubmit.as_view()),
    path("jobs/<int:pk>/", views.JobDetail.as_view()),
    path("figures/", views.FiguresView.as_view()),
    path("products/", views.ProductsView.as_view()),
    path("projects/", views.ProjectList.as_view()),
    path("investment/", views.InvestmentView.as_view()),
    path("changes/", views.ChangesView.as_view()),
    path("resumption/", views.ResumptionView.as_view()),
    path("prevention/", views.PreventionView.as_view()),
    path("demands/", views.DemandsView.as_view()),
    path("reserves/", views.ReservesView.as_view()),
    path("permits/", views.PermitsView.as_view()),
]
