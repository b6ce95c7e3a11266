from django.urls import path

from . import cockpit, drill, views

urlpatterns = [
    path("", views.overview, name="analysis_overview"),
    path("cockpit/", cockpit.cockpit, name="analysis_cockpit"),
    path("cockpit/data.json", cockpit.cockpit_json, name="analysis_cockpit_json"),
    path("enterprises/", drill.enterprises, name="analysis_enterprises"),
    path("export/<slug:identifier>/", views.export, name="analysis_export"),
    path("enterprise/<str:uscc>/", views.enterprise, name="analysis_enterprise"),
    path("products/", views.products, name="analysis_products"),
    path("products/<str:code>/enterprises/", drill.product_enterprises, name="analysis_product_enterprises"),
    path("products/import/", views.products_import, name="analysis_products_import"),
    path("products/import/template.xlsx", views.products_template, name="analysis_products_template"),
    path("plans/", views.plans, name="analysis_plans"),
    path("plans/edit/", views.plans_edit, name="analysis_plans_edit"),
    path("plans/import/", views.plans_import, name="analysis_plans_import"),
    path("plans/template.xlsx", views.plans_template, name="analysis_plans_template"),
    path("ppi/", views.ppi, name="analysis_ppi"),
    path("ppi/official/", views.official_save, name="analysis_official"),
    path("ppi/import/", views.ppi_import, name="analysis_ppi_import"),
]
