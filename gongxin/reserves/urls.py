from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="reserves_dashboard"),
    path("export.xlsx", views.coverage_export, name="reserves_export"),
    path("stock/", views.stock, name="reserves_stock"),
    path("stock/receive/", views.receive, name="reserves_receive"),
    path("stock/balances/<int:pk>/", views.balance_action, name="reserves_balance_action"),
    path("stock/card/<str:material>/<str:warehouse>/", views.stock_card, name="reserves_stock_card"),
    path("movements/<str:doc_no>/reverse/", views.reverse, name="reserves_reverse"),
    path("dispatches/", views.dispatch_list, name="reserves_dispatches"),
    path("dispatches/new/", views.dispatch_new, name="reserves_dispatch_new"),
    path("dispatches/<str:number>/", views.dispatch_detail, name="reserves_dispatch"),
    path("dispatches/<str:number>/action/", views.dispatch_action, name="reserves_dispatch_action"),
    path("dispatches/<str:number>/note.docx", views.dispatch_note, name="reserves_dispatch_note"),
    path("materials/", views.materials, name="reserves_materials"),
    path("contracts/", views.contract_list, name="reserves_contracts"),
    path("contracts/new/", views.contract_new, name="reserves_contract_new"),
    path("contracts/<str:number>/", views.contract_detail, name="reserves_contract"),
    path("contracts/<str:number>/calloffs/", views.calloff_new, name="reserves_calloff_new"),
    path("contracts/<str:number>/documents/", views.contract_document, name="reserves_contract_document"),
    path("calloffs/<int:pk>/deliver/", views.calloff_deliver, name="reserves_calloff_deliver"),
    path("documents/<int:pk>/", views.document_download, name="reserves_document"),
    path("purchases/", views.purchase_list, name="reserves_purchases"),
    path("purchases/new/", views.purchase_new, name="reserves_purchase_new"),
    path("purchases/<str:number>/", views.purchase_detail, name="reserves_purchase"),
    path("purchases/<str:number>/action/", views.purchase_action, name="reserves_purchase_action"),
    path("reconciliation/", views.reconciliation, name="reserves_reconciliation"),
]
